package io.llmfallback.review.internal;

import java.time.Duration;
import java.util.Objects;

import io.llmfallback.gate.GateTolerances;

/**
 * How live traffic is reviewed.
 *
 * @param window the rolling window the figures are computed over, cut into
 * {@value TrafficReview#SLICES} slices: hourly over the default day
 * @param minSamples the calls a provider needs within the window before it is judged or
 * calibrated
 * @param tolerances how far each fallback may diverge from the primary, as in the
 * compatibility gate
 */
public record ReviewSettings(Duration window, int minSamples, GateTolerances tolerances) {

	public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

	/** The same floor as the gate's: on fewer answers, a p95 is the largest value. */
	public static final int DEFAULT_MIN_SAMPLES = 20;

	public static final ReviewSettings DEFAULTS = new ReviewSettings(DEFAULT_WINDOW, DEFAULT_MIN_SAMPLES,
			GateTolerances.DEFAULTS);

	public ReviewSettings {
		Objects.requireNonNull(window, "window");
		Objects.requireNonNull(tolerances, "tolerances");
		if (window.toMillis() < TrafficReview.SLICES) {
			throw new IllegalArgumentException("A review window of " + window + " is too short to slice");
		}
		if (minSamples < 1) {
			throw new IllegalArgumentException("Review minSamples must be at least 1, was " + minSamples);
		}
	}

}
