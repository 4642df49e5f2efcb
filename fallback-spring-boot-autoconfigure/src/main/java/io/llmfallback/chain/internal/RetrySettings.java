package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import io.llmfallback.model.FailureCategory;

/**
 * Whether and how a chain calls a provider again, before moving on, after a failure worth
 * retrying. Waits are full-jitter exponential: a random time between zero and
 * {@code min(maxBackoff, initialBackoff * 2^(retry - 1))}, or the provider's
 * {@code retry-after} when that is longer.
 *
 * @param maxAttempts how many retries a request may make on the provider; 0 switches
 * retries off
 * @param initialBackoff the ceiling of the first wait
 * @param maxBackoff the ceiling of any wait the jitter draws
 * @param retryOn the failure categories worth retrying
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
		Set<FailureCategory> retryOn) {

	/** Failures that say the provider may answer the same request in a moment. */
	public static final Set<FailureCategory> DEFAULT_ON = Set.copyOf(EnumSet.of(FailureCategory.RATE_LIMITED,
			FailureCategory.OVERLOADED, FailureCategory.SERVER_ERROR, FailureCategory.CONNECTION));

	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);

	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);

	/** Retries are opt-in. */
	public static final RetrySettings OFF = new RetrySettings(0, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF,
			DEFAULT_ON);

	public RetrySettings {
		if (maxAttempts < 0) {
			throw new IllegalArgumentException("maxAttempts must not be negative, was " + maxAttempts);
		}
		if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
			throw new IllegalArgumentException(
					"Backoffs must satisfy 0 <= initial <= max, were " + initialBackoff + " and " + maxBackoff);
		}
		retryOn = Set.copyOf(retryOn);
	}

	public boolean enabled() {
		return this.maxAttempts > 0;
	}

}
