package io.llmfallback.chain;

import java.math.BigDecimal;
import java.util.List;

/** Sums what the attempts of one logical request cost. */
final class AttemptCosts {

	private AttemptCosts() {
	}

	static BigDecimal total(List<AttemptRecord> attempts) {
		BigDecimal total = BigDecimal.ZERO;
		for (AttemptRecord attempt : attempts) {
			total = total.add(attempt.costUsd());
		}
		return total;
	}

}
