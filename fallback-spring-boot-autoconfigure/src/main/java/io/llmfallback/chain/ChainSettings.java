package io.llmfallback.chain;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.FailureCategory;
import org.jspecify.annotations.Nullable;

/**
 * How a chain runs.
 *
 * @param name the chain's configured name
 * @param providers provider names in order of priority; the first is the primary
 * @param latencyBudget the deadline for the whole logical request, every attempt included
 * @param fallbackMaxTokens the cap on output tokens whenever a non-primary provider is
 * called, or {@code null} for none
 * @param fallbackOn the failure categories that move on to the next provider; any other
 * failure ends the request
 * @param outputContract what every answer must look like
 * @param lastResort whether a request that finds every provider's breaker open calls the
 * provider open the longest anyway, as its breaker's half-open probe, instead of failing
 * without a call
 * @param maxAttempts the most provider calls one logical request makes, however retries,
 * hedges and fallbacks combine
 * @param retryBudget the most retries, as a share of the chain's requests over a rolling
 * window
 * @param hedge when the next provider starts while the primary still works
 * @param streamRecovery what a stream that fails after its first chunk comes to
 */
public record ChainSettings(String name, List<String> providers, Duration latencyBudget,
		@Nullable Integer fallbackMaxTokens, Set<FailureCategory> fallbackOn, OutputContract outputContract,
		boolean lastResort, int maxAttempts, double retryBudget, HedgeSettings hedge, StreamRecovery streamRecovery) {

	/**
	 * Everything but failures the request or the credentials caused; context-length moves
	 * on too.
	 */
	public static final Set<FailureCategory> DEFAULT_FALLBACK_ON = Set
		.copyOf(EnumSet.of(FailureCategory.TIMEOUT, FailureCategory.RATE_LIMITED, FailureCategory.OVERLOADED,
				FailureCategory.SERVER_ERROR, FailureCategory.CONNECTION, FailureCategory.INVALID_RESPONSE,
				FailureCategory.REDIRECT, FailureCategory.EMPTY_RESPONSE, FailureCategory.RESPONSE_TOO_LARGE,
				FailureCategory.CONTEXT_LENGTH, FailureCategory.STREAM_TRUNCATED));

	/** Chains make a last-resort attempt unless configured not to. */
	public static final boolean DEFAULT_LAST_RESORT = true;

	public static final double DEFAULT_RETRY_BUDGET = 0.1;

	public ChainSettings {
		providers = List.copyOf(providers);
		fallbackOn = Set.copyOf(fallbackOn);
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be positive, was " + maxAttempts);
		}
		if (retryBudget < 0 || retryBudget > 1) {
			throw new IllegalArgumentException("retryBudget must be in [0, 1], was " + retryBudget);
		}
	}

	/** A chain whose streams end with an error when they fail after their first chunk. */
	public ChainSettings(String name, List<String> providers, Duration latencyBudget,
			@Nullable Integer fallbackMaxTokens, Set<FailureCategory> fallbackOn, OutputContract outputContract,
			boolean lastResort, int maxAttempts, double retryBudget, HedgeSettings hedge) {
		this(name, providers, latencyBudget, fallbackMaxTokens, fallbackOn, outputContract, lastResort, maxAttempts,
				retryBudget, hedge, StreamRecovery.DEFAULT);
	}

	/** A chain with the default attempt limit, retry budget and no hedging. */
	public ChainSettings(String name, List<String> providers, Duration latencyBudget,
			@Nullable Integer fallbackMaxTokens, Set<FailureCategory> fallbackOn, OutputContract outputContract,
			boolean lastResort) {
		this(name, providers, latencyBudget, fallbackMaxTokens, fallbackOn, outputContract, lastResort,
				defaultMaxAttempts(providers.size()), DEFAULT_RETRY_BUDGET, HedgeSettings.OFF);
	}

	/**
	 * One call per provider and one more, for a retry or a hedge: the chain's own
	 * fallbacks are never cut short, and retries and hedges together add at most one
	 * call.
	 */
	public static int defaultMaxAttempts(int providers) {
		return providers + 1;
	}

	/** A chain with the default last-resort setting. */
	public ChainSettings(String name, List<String> providers, Duration latencyBudget,
			@Nullable Integer fallbackMaxTokens, Set<FailureCategory> fallbackOn, OutputContract outputContract) {
		this(name, providers, latencyBudget, fallbackMaxTokens, fallbackOn, outputContract, DEFAULT_LAST_RESORT);
	}

	/** A chain without an output contract. */
	public ChainSettings(String name, List<String> providers, Duration latencyBudget,
			@Nullable Integer fallbackMaxTokens, Set<FailureCategory> fallbackOn) {
		this(name, providers, latencyBudget, fallbackMaxTokens, fallbackOn, OutputContract.NONE);
	}

}
