package io.llmfallback.chain;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A logical request that ended without a response. Lists every attempt the chain made, so
 * the caller (and the log) can see which provider failed how, and how long each took.
 */
public abstract sealed class ChainFailureException extends RuntimeException
		permits ChainExhaustedException, ChainAbortedException, ChainInterruptedException {

	private final String chain;

	private final String operation;

	private final List<AttemptRecord> attempts;

	ChainFailureException(String chain, String operation, List<AttemptRecord> attempts, String summary,
			@Nullable Throwable lastFailure) {
		super("Chain '" + chain + "' " + summary + ": "
				+ attempts.stream().map(AttemptRecord::toString).collect(Collectors.joining(", ")), lastFailure);
		this.chain = chain;
		this.operation = operation;
		this.attempts = List.copyOf(attempts);
	}

	public String getChain() {
		return this.chain;
	}

	public String getOperation() {
		return this.operation;
	}

	public List<AttemptRecord> getAttempts() {
		return this.attempts;
	}

}
