package io.llmfallback.chain;

import io.micrometer.observation.Observation;

/**
 * What the observation of a logical request knows; its outcome is set when the request
 * ends, before the observation stops.
 */
public final class ChainRequestObservationContext extends Observation.Context {

	private final String chain;

	private final String operation;

	private ServedPath path = ServedPath.NONE;

	private int attempts;

	public ChainRequestObservationContext(String chain, String operation) {
		this.chain = chain;
		this.operation = operation;
	}

	/** The chain's name. */
	public String chain() {
		return this.chain;
	}

	/** The operation the caller named. */
	public String operation() {
		return this.operation;
	}

	/** How the request was served; {@link ServedPath#NONE} until it ends. */
	public ServedPath path() {
		return this.path;
	}

	/** How many attempts the request made; 0 until it ends. */
	public int attempts() {
		return this.attempts;
	}

	public void ended(ServedPath path, int attempts) {
		this.path = path;
		this.attempts = attempts;
	}

}
