package io.llmfallback.benchmarks.outage;

import java.time.Duration;

/**
 * One stretch of the outage schedule: what the primary does to every request it receives
 * meanwhile. The fallback is healthy throughout.
 *
 * @param name the phase's name in the report
 * @param primary how the primary answers
 * @param length how long the phase lasts
 */
record Phase(String name, PrimaryBehaviour primary, Duration length) {

	/** What the simulated primary does with a request. */
	enum PrimaryBehaviour {

		/** Answers after its usual latency. */
		HEALTHY,

		/** Accepts the request and never answers. */
		HANG,

		/** Answers 503 with OpenAI's server-error body. */
		SERVER_ERROR,

		/**
		 * Answers 429 with {@code retry-after} and {@code retry-after-ms} and OpenAI's
		 * rate-limit body.
		 */
		RATE_LIMITED

	}

}
