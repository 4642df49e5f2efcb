package io.llmfallback.chain.internal;

import java.time.Duration;

/**
 * When a provider's circuit breaker opens and how long it stays open.
 *
 * @param failureThreshold how many consecutive failed calls open the breaker
 * (consecutive-failures rule)
 * @param failureWindow the span those failures must fall in, from the first of them
 * (consecutive-failures rule)
 * @param openDuration how long the breaker stays open before it lets one half-open probe
 * through
 * @param countContractViolations whether output-contract violations count as failures
 * @param rule which of the two rules opens the breaker
 * @param failureRateThreshold the share of failed calls, above 0 and at most 1, that
 * opens the breaker (failure-rate rule)
 * @param slidingWindow the time over which the failure rate is measured, in whole seconds
 * (failure-rate rule)
 * @param minimumCalls how many calls the sliding window must hold before the rate is
 * judged (failure-rate rule)
 */
public record BreakerSettings(int failureThreshold, Duration failureWindow, Duration openDuration,
		boolean countContractViolations, Rule rule, double failureRateThreshold, Duration slidingWindow,
		int minimumCalls) {

	public static final Rule DEFAULT_RULE = Rule.CONSECUTIVE_FAILURES;

	public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 0.5;

	public static final Duration DEFAULT_SLIDING_WINDOW = Duration.ofSeconds(30);

	public static final int DEFAULT_MINIMUM_CALLS = 20;

	public static final BreakerSettings DEFAULTS = new BreakerSettings(3, Duration.ofSeconds(30),
			Duration.ofSeconds(60), false);

	/**
	 * Consecutive-failure settings, with the failure-rate rule's defaults for when it is
	 * switched on.
	 */
	public BreakerSettings(int failureThreshold, Duration failureWindow, Duration openDuration,
			boolean countContractViolations) {
		this(failureThreshold, failureWindow, openDuration, countContractViolations, DEFAULT_RULE,
				DEFAULT_FAILURE_RATE_THRESHOLD, DEFAULT_SLIDING_WINDOW, DEFAULT_MINIMUM_CALLS);
	}

	/** What opens a breaker. */
	public enum Rule {

		/**
		 * {@code failure-threshold} failures in a row within {@code failure-window}:
		 * quick to open on a provider that is down, but at high traffic a provider
		 * failing a fraction of its calls strings failures together often enough to be
		 * shut out most of the time.
		 */
		CONSECUTIVE_FAILURES,

		/**
		 * At least {@code minimum-calls} calls in the last {@code sliding-window}, of
		 * which a share of at least {@code failure-rate-threshold} failed: a provider
		 * that serves most of its calls stays in use however many calls it gets.
		 */
		FAILURE_RATE

	}

}
