package io.llmfallback.review;

import java.util.ArrayList;
import java.util.List;

import io.llmfallback.gate.GateTolerances;
import org.jspecify.annotations.Nullable;

/**
 * A chain's periodic review from its live traffic: the compatibility gate's figures per
 * provider over the window, every fallback judged against the primary, and the settings
 * the traffic suggests calibrating. Immutable; serializes to JSON as its components.
 *
 * @param chain the chain's name
 * @param generatedAt when the report was made, ISO-8601 UTC
 * @param windowMs how far back the figures go
 * @param minSamples the calls a provider needs in the window to be judged and calibrated
 * @param requests logical requests in the window
 * @param fallbackActivations of those, the ones a fallback served
 * @param failures of those, the ones no provider served
 * @param activationRate {@code fallbackActivations / requests}, or {@code null} without
 * requests
 * @param tolerances what the fallbacks were judged against
 * @param verdict {@code FAIL} when a fallback fails or the primary answered none of its
 * calls, {@code INSUFFICIENT_DATA} when a fallback could not be judged, {@code PASS}
 * otherwise
 * @param findings why the verdict is {@code FAIL}, one readable sentence each
 * @param primary the primary's figures
 * @param fallbacks each fallback's figures, in chain order
 * @param verdicts each fallback's verdict, in chain order
 * @param hints the settings to calibrate, empty when the traffic suggests none
 */
public record ReviewReport(String chain, String generatedAt, long windowMs, int minSamples, long requests,
		long fallbackActivations, long failures, @Nullable Double activationRate, GateTolerances tolerances,
		ReviewVerdict verdict, List<String> findings, ProviderReview primary, List<ProviderReview> fallbacks,
		List<FallbackReview> verdicts, List<CalibrationHint> hints) {

	public ReviewReport {
		findings = List.copyOf(findings);
		fallbacks = List.copyOf(fallbacks);
		verdicts = List.copyOf(verdicts);
		hints = List.copyOf(hints);
	}

	/** Every provider's figures, the primary first. */
	public List<ProviderReview> providers() {
		List<ProviderReview> all = new ArrayList<>(this.fallbacks.size() + 1);
		all.add(this.primary);
		all.addAll(this.fallbacks);
		return all;
	}

	/**
	 * The figures of the provider of that name.
	 * @throws IllegalArgumentException when the chain has no such provider
	 */
	public ProviderReview provider(String name) {
		return providers().stream()
			.filter((review) -> review.provider().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No provider '" + name + "' in this review"));
	}

	/**
	 * The verdict on the fallback of that name.
	 * @throws IllegalArgumentException when it is not one of the chain's fallbacks
	 */
	public FallbackReview verdictOf(String fallback) {
		return this.verdicts.stream()
			.filter((verdict) -> verdict.provider().equals(fallback))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No fallback '" + fallback + "' in this review"));
	}

}
