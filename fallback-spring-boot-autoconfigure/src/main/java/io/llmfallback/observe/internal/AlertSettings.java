package io.llmfallback.observe.internal;

import java.time.Duration;

/**
 * Thresholds and windows of the fallback signals; the defaults are the product's
 * recommended thresholds.
 *
 * @param activationRateThreshold share of requests served by a fallback above which the
 * alert fires
 * @param activationRateWindow window of the activation rate
 * @param fallbackP95RatioThreshold fallback-path P95 over primary-path P95 above which
 * the alert fires
 * @param fallbackP95Window window of the fallback-path P95
 * @param primaryP95Baseline window of the primary-path P95 the fallback P95 is compared
 * with
 * @param outputLengthDeltaThreshold relative difference of mean output length, fallback
 * vs primary, above which the alert fires
 * @param outputLengthDeltaWindow window of the output lengths
 * @param blendedCostRatioThreshold recent cost per request over the baseline's above
 * which the alert fires
 * @param blendedCostWindow window of the recent cost per request
 * @param blendedCostBaseline window of the baseline cost per request
 * @param middlewareOverheadThreshold extra middleware evaluations per fallback request,
 * relative to a primary request, above which the signal is flagged
 * @param middlewareOverheadWindow window of the middleware evaluations
 * @param minRequests logical requests a window needs before its alert may fire
 */
public record AlertSettings(double activationRateThreshold, Duration activationRateWindow,
		double fallbackP95RatioThreshold, Duration fallbackP95Window, Duration primaryP95Baseline,
		double outputLengthDeltaThreshold, Duration outputLengthDeltaWindow, double blendedCostRatioThreshold,
		Duration blendedCostWindow, Duration blendedCostBaseline, double middlewareOverheadThreshold,
		Duration middlewareOverheadWindow, int minRequests) {

	public static final AlertSettings DEFAULTS = new AlertSettings(0.05, Duration.ofMinutes(15), 2.0,
			Duration.ofMinutes(15), Duration.ofHours(1), 0.20, Duration.ofHours(1), 1.5, Duration.ofHours(1),
			Duration.ofDays(7), 0.30, Duration.ofMinutes(15), 20);

}
