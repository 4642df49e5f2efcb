package io.llmfallback.review;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.llmfallback.gate.ProviderStats;
import org.jspecify.annotations.Nullable;

/**
 * What one provider did for a chain within the review window.
 *
 * @param stats the compatibility gate's figures, from live traffic: {@code calls} are the
 * attempts made (answered or failed), {@code successes} the answers, those the output
 * contract turned away included; {@code outputLength} is over the answers the chain
 * served; {@code latencyMs} over the answers; {@code failuresByCategory} leaves contract
 * violations out (see {@code contractRejections}); compliance and coverage are over every
 * answer checked against the contract's schema; {@code costPerRequest} is per call;
 * {@code lines} is empty
 * @param latencyP99Ms the 99th percentile latency of the answers, or {@code null} without
 * any
 * @param contractRejections answers the chain's output contract turned away
 * ({@code next-provider})
 * @param skipped attempts not made, by why: {@code short-circuited},
 * {@code budget-exhausted}, {@code spend-limited}
 * @param sufficientData whether the provider made enough calls in the window to be judged
 * and calibrated
 */
public record ProviderReview(ProviderStats stats, @Nullable Double latencyP99Ms, long contractRejections,
		Map<String, Long> skipped, boolean sufficientData) {

	public ProviderReview {
		skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
	}

	public String provider() {
		return this.stats.provider();
	}

}
