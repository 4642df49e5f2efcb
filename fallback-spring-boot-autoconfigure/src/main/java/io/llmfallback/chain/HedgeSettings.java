package io.llmfallback.chain;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When a chain starts its next provider while the primary is still working on the
 * request.
 *
 * @param after a fixed delay, or {@code null} when the delay is a percentile or hedging
 * is off
 * @param afterPercentile the percentile of the primary's recent latency to wait for (95
 * for {@code p95}), or 0 when the delay is fixed or hedging is off
 * @param maxShare the most hedges, as a share of the chain's requests over a rolling
 * window
 */
public record HedgeSettings(@Nullable Duration after, double afterPercentile, double maxShare) {

	public static final double DEFAULT_MAX_SHARE = 0.05;

	/** Hedging is opt-in. */
	public static final HedgeSettings OFF = new HedgeSettings(null, 0, DEFAULT_MAX_SHARE);

	public HedgeSettings {
		if (after != null && afterPercentile != 0) {
			throw new IllegalArgumentException("A hedge waits a fixed delay or a percentile, not both");
		}
		if (afterPercentile < 0 || afterPercentile >= 100) {
			throw new IllegalArgumentException("afterPercentile must be in [0, 100), was " + afterPercentile);
		}
		if (maxShare < 0 || maxShare > 1) {
			throw new IllegalArgumentException("maxShare must be in [0, 1], was " + maxShare);
		}
	}

	public static HedgeSettings after(Duration delay, double maxShare) {
		return new HedgeSettings(delay, 0, maxShare);
	}

	public static HedgeSettings afterPercentile(double percentile, double maxShare) {
		return new HedgeSettings(null, percentile, maxShare);
	}

	public boolean enabled() {
		return this.after != null || this.afterPercentile > 0;
	}

}
