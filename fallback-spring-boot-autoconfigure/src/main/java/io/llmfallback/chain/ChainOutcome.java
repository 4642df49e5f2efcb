package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.internal.AttemptCosts;
import org.jspecify.annotations.Nullable;

/**
 * How one logical request ended, with everything the signals and meters need.
 *
 * @param chain the chain's name
 * @param operation the operation name
 * @param response the answer, or {@code null} when the chain failed
 * @param failure the failure, or {@code null} when the chain answered
 * @param attempts every attempt in order
 * @param duration from the start of the logical request to its end, middleware included
 * @param middlewareEvaluations how many times middleware ran for this request, per stage
 */
public record ChainOutcome(String chain, String operation, @Nullable ChainResponse response,
		@Nullable ChainFailureException failure, List<AttemptRecord> attempts, Duration duration,
		Map<ChainMiddleware.Stage, Integer> middlewareEvaluations) {

	public ChainOutcome {
		attempts = List.copyOf(attempts);
		middlewareEvaluations = Map.copyOf(middlewareEvaluations);
	}

	public ServedPath path() {
		return (this.response != null) ? this.response.path() : ServedPath.NONE;
	}

	/** The provider that served the request, or {@code null} when none did. */
	public @Nullable String servingProvider() {
		return (this.response != null) ? this.response.response().provider() : null;
	}

	/** Characters of the served output; 0 when none was served. */
	public int outputLength() {
		return (this.response != null) ? this.response.text().length() : 0;
	}

	/** What the request cost: every attempt the providers billed. */
	public BigDecimal costUsd() {
		return AttemptCosts.total(this.attempts);
	}

	/** Middleware evaluations of all stages for this request. */
	public int totalMiddlewareEvaluations() {
		return this.middlewareEvaluations.values().stream().mapToInt(Integer::intValue).sum();
	}

}
