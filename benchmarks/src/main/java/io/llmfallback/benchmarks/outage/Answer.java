package io.llmfallback.benchmarks.outage;

import java.util.List;

/**
 * How one logical request ended, as a variant's client reports it.
 *
 * @param outcome who served it, or that it failed with a typed error
 * @param attempts every provider attempt, called or not, in the order made
 */
record Answer(Outcome outcome, List<Attempt> attempts) {

	Answer {
		attempts = List.copyOf(attempts);
	}

	/**
	 * The provider calls the request made: attempts that reached, or were sent to, a
	 * provider.
	 */
	long calls() {
		return this.attempts.stream().filter(Attempt::called).count();
	}

	/** What the request cost, every billed attempt included. */
	double costUsd() {
		return this.attempts.stream().mapToDouble(Attempt::costUsd).sum();
	}

	enum Outcome {

		/** The primary answered. */
		PRIMARY,

		/** The fallback answered. */
		FALLBACK,

		/** No provider answered; the request ended with the client's typed error. */
		FAILED

	}

	/**
	 * One provider attempt.
	 *
	 * @param role which provider
	 * @param called whether the provider was called (skipped attempts, e.g.
	 * short-circuited, were not)
	 * @param label how it ended: {@code success}, a failure category,
	 * {@code short-circuited}...
	 * @param durationNanos how long it took as the client measured it
	 * @param costUsd what it cost at the provider's price
	 */
	record Attempt(ProviderRole role, boolean called, String label, long durationNanos, double costUsd) {

		boolean succeeded() {
			return "success".equals(this.label);
		}

	}

}
