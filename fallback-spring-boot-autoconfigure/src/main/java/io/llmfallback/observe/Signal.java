package io.llmfallback.observe;

/**
 * The six fallback signals, by the names used in alerts, meters and the actuator
 * endpoint.
 */
public enum Signal {

	ACTIVATION_RATE("activation-rate"),

	FALLBACK_P95_RATIO("fallback-p95-ratio"),

	OUTPUT_LENGTH_DELTA("output-length-delta"),

	BLENDED_COST_RATIO("blended-cost-ratio"),

	BREAKER_OPEN("breaker-open"),

	MIDDLEWARE_OVERHEAD("middleware-overhead");

	private final String wireName;

	Signal(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return this.wireName;
	}

}
