package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.util.List;

import io.llmfallback.chain.AttemptRecord;

/** Sums what the attempts of one logical request cost. */
public final class AttemptCosts {

	private AttemptCosts() {
	}

	public static BigDecimal total(List<AttemptRecord> attempts) {
		BigDecimal total = BigDecimal.ZERO;
		for (AttemptRecord attempt : attempts) {
			total = total.add(attempt.costUsd());
		}
		return total;
	}

}
