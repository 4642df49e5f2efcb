package io.llmfallback.chain;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Every provider of the chain failed, was short-circuited, or the latency budget ran out
 * first.
 */
public final class ChainExhaustedException extends ChainFailureException {

	public ChainExhaustedException(String chain, String operation, List<AttemptRecord> attempts,
			@Nullable Throwable lastFailure) {
		super(chain, operation, attempts, "exhausted", lastFailure);
	}

}
