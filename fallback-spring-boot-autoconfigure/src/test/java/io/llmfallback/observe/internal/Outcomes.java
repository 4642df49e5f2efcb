package io.llmfallback.observe.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;

/**
 * Builds the outcomes of logical requests with known figures, the ground truth of the
 * signal tests.
 */
final class Outcomes {

	private Outcomes() {
	}

	/** Served by the primary: one successful attempt. */
	static ChainOutcome primary(String chain, String operation, int outputChars, BigDecimal cost, Duration latency,
			int middlewareEvaluations) {
		AttemptRecord served = attempt("gpt", 0, AttemptOutcome.SUCCESS, cost);
		return served(chain, operation, List.of(served), outputChars, latency, middlewareEvaluations);
	}

	/** Served by the fallback after the primary failed with a billed cost. */
	static ChainOutcome fallback(String chain, String operation, int outputChars, BigDecimal failedCost,
			BigDecimal servedCost, Duration latency, int middlewareEvaluations) {
		List<AttemptRecord> attempts = List.of(attempt("gpt", 0, AttemptOutcome.FAILED, failedCost),
				attempt("claude", 1, AttemptOutcome.SUCCESS, servedCost));
		return served(chain, operation, attempts, outputChars, latency, middlewareEvaluations);
	}

	/** Every provider failed. */
	static ChainOutcome failed(String chain, String operation) {
		List<AttemptRecord> attempts = List.of(attempt("gpt", 0, AttemptOutcome.FAILED, BigDecimal.ZERO),
				attempt("claude", 1, AttemptOutcome.FAILED, BigDecimal.ZERO));
		return new ChainOutcome(chain, operation, null, null, attempts, Duration.ofMillis(50), Map.of());
	}

	private static ChainOutcome served(String chain, String operation, List<AttemptRecord> attempts, int outputChars,
			Duration latency, int middlewareEvaluations) {
		AttemptRecord last = attempts.get(attempts.size() - 1);
		ChatResponse response = new ChatResponse("x".repeat(outputChars), "stop", new TokenUsage(10, 10),
				last.provider(), "model", latency);
		return new ChainOutcome(chain, operation,
				new ChainResponse(response, chain, operation, new ArrayList<>(attempts)), null, attempts, latency,
				Map.of(ChainMiddleware.Stage.ATTEMPT, middlewareEvaluations));
	}

	private static AttemptRecord attempt(String provider, int index, AttemptOutcome outcome, BigDecimal cost) {
		return new AttemptRecord(provider, index, "model", outcome,
				(outcome == AttemptOutcome.FAILED) ? FailureCategory.SERVER_ERROR : null, 200, Duration.ofMillis(10),
				null, TokenUsage.NONE, cost, ContractCheck.UNCHECKED);
	}

}
