package io.llmfallback.gate.internal;

import java.time.Instant;

/**
 * A gate run was asked for while one of the same chain is still running. Every run
 * replays the whole corpus through billed providers, so a second run at the same time
 * would only double the bill.
 */
public class GateRunInProgressException extends IllegalStateException {

	private final String chain;

	private final Instant startedAt;

	private final String message;

	public GateRunInProgressException(String chain, Instant startedAt) {
		this(chain, startedAt, "A compatibility gate run of chain '" + chain + "' is in progress since " + startedAt
				+ "; wait for it to end");
	}

	private GateRunInProgressException(String chain, Instant startedAt, String message) {
		super(message);
		this.chain = chain;
		this.startedAt = startedAt;
		this.message = message;
	}

	/** Why the run was refused, as the endpoint's 409 says it. */
	@Override
	public String getMessage() {
		return this.message;
	}

	/** The chain whose run is in progress. */
	public String chain() {
		return this.chain;
	}

	/** When the run in progress started. */
	public Instant startedAt() {
		return this.startedAt;
	}

}
