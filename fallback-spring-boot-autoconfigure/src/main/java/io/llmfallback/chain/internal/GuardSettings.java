package io.llmfallback.chain.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a provider is kept from holding requests: onset detection of a provider that
 * stopped answering, a cap on calls in flight, retries and rate limits.
 *
 * @param timeout the provider's per-attempt timeout, the ceiling of a derived slow-call
 * threshold
 * @param slowCallDetection whether calls in flight past the slow-call threshold can open
 * the breaker
 * @param slowCallThreshold the age past which a call in flight is slow, or {@code null}
 * to derive it from the provider's recent latency
 * @param slowCallsToOpen how many slow calls in flight open the breaker
 * @param maxConcurrency the most calls in flight; a request over it goes to the next
 * provider
 * @param retry whether and how a failed call is made again
 * @param rateLimit the provider's rates
 * @param cancelWaitingCalls whether calls still waiting on the provider when its breaker
 * opens are given up, their requests moving on to the next provider at once
 * @param stream how long the provider's streams may keep a request waiting
 */
public record GuardSettings(Duration timeout, boolean slowCallDetection, @Nullable Duration slowCallThreshold,
		int slowCallsToOpen, int maxConcurrency, RetrySettings retry, RateLimitSettings rateLimit,
		boolean cancelWaitingCalls, StreamSettings stream) {

	/**
	 * High enough never to turn away a healthy provider's traffic, low enough to bound a
	 * hanging one's.
	 */
	public static final int DEFAULT_MAX_CONCURRENCY = 1000;

	public GuardSettings {
		if (slowCallsToOpen < 1) {
			throw new IllegalArgumentException("slowCallsToOpen must be positive, was " + slowCallsToOpen);
		}
		if (maxConcurrency < 1) {
			throw new IllegalArgumentException("maxConcurrency must be positive, was " + maxConcurrency);
		}
	}

	/** Settings that give up waiting calls when the breaker opens, as by default. */
	public GuardSettings(Duration timeout, boolean slowCallDetection, @Nullable Duration slowCallThreshold,
			int slowCallsToOpen, int maxConcurrency, RetrySettings retry, RateLimitSettings rateLimit) {
		this(timeout, slowCallDetection, slowCallThreshold, slowCallsToOpen, maxConcurrency, retry, rateLimit, true);
	}

	/** Settings with the default stream limits for the timeout. */
	public GuardSettings(Duration timeout, boolean slowCallDetection, @Nullable Duration slowCallThreshold,
			int slowCallsToOpen, int maxConcurrency, RetrySettings retry, RateLimitSettings rateLimit,
			boolean cancelWaitingCalls) {
		this(timeout, slowCallDetection, slowCallThreshold, slowCallsToOpen, maxConcurrency, retry, rateLimit,
				cancelWaitingCalls, StreamSettings.defaults(timeout));
	}

	/**
	 * The defaults for a provider with this timeout and breaker: detection on, no
	 * retries, no rate limits.
	 */
	public static GuardSettings defaults(Duration timeout, BreakerSettings breaker) {
		return new GuardSettings(timeout, true, null, slowCallsToOpen(breaker), DEFAULT_MAX_CONCURRENCY,
				RetrySettings.OFF, RateLimitSettings.DEFAULTS);
	}

	/**
	 * As many slow calls as the breaker's own rule needs failures: its failure threshold,
	 * or under the failure-rate rule the failures that reach the rate at the minimum
	 * number of calls.
	 */
	public static int slowCallsToOpen(BreakerSettings breaker) {
		if (breaker.rule() == BreakerSettings.Rule.FAILURE_RATE) {
			return Math.max(1, (int) Math.ceil(breaker.minimumCalls() * breaker.failureRateThreshold()));
		}
		return breaker.failureThreshold();
	}

}
