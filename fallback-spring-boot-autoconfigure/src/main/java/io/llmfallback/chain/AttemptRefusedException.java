package io.llmfallback.chain;

/**
 * A provider's guard refused a call before it was sent: the provider has
 * {@code max-concurrency} calls in flight ({@link AttemptOutcome#BULKHEAD_FULL}), or its
 * rate limit or last {@code retry-after} leaves no room
 * ({@link AttemptOutcome#THROTTLED}). The chain moves on to the next provider; the
 * breaker ignores it, since it says nothing of the provider's health.
 */
public final class AttemptRefusedException extends RuntimeException {

	private final String provider;

	private final AttemptOutcome outcome;

	public AttemptRefusedException(String provider, AttemptOutcome outcome, String detail) {
		// No stack trace: a refusal is a routing decision, made at high rates during an
		// outage.
		super("Provider '" + provider + "' not called: " + detail, null, false, false);
		if (outcome != AttemptOutcome.BULKHEAD_FULL && outcome != AttemptOutcome.THROTTLED) {
			throw new IllegalArgumentException("Not a refusal: " + outcome);
		}
		this.provider = provider;
		this.outcome = outcome;
	}

	public String getProvider() {
		return this.provider;
	}

	/** {@link AttemptOutcome#BULKHEAD_FULL} or {@link AttemptOutcome#THROTTLED}. */
	public AttemptOutcome getOutcome() {
		return this.outcome;
	}

}
