package io.llmfallback.chain;

import java.time.Duration;

/**
 * When a provider's circuit breaker opens and how long it stays open.
 *
 * @param failureThreshold how many consecutive failed calls open the breaker
 * @param failureWindow the span those failures must fall in, from the first of them
 * @param openDuration how long the breaker stays open before it lets one half-open probe through
 * @param countContractViolations whether output-contract violations count as failures
 */
public record BreakerSettings(int failureThreshold, Duration failureWindow, Duration openDuration,
		boolean countContractViolations) {

	public static final BreakerSettings DEFAULTS = new BreakerSettings(3, Duration.ofSeconds(30),
			Duration.ofSeconds(60), false);

}
