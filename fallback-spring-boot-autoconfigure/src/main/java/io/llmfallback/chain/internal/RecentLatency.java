package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.Optional;

import io.llmfallback.window.internal.TimeBuckets;
import io.llmfallback.window.internal.ValueHistogram;

/**
 * The latency of a provider's answered calls over the last {@link #WINDOW}, for the
 * derived slow-call threshold and hedging on a percentile. Memory is a histogram a bucket
 * whatever the traffic; a read merges the buckets, constant work of at most 6,400
 * additions.
 */
final class RecentLatency {

	/**
	 * Long enough to hold a history at a few calls a minute, short enough to follow a
	 * change of model or load.
	 */
	static final Duration WINDOW = Duration.ofMinutes(5);

	/**
	 * Under 20 answered calls there is no percentile: one slow answer in ten would be the
	 * p99.
	 */
	static final int MIN_SAMPLES = 20;

	private static final int BUCKETS = 10;

	private final TimeBuckets<ValueHistogram> window = new TimeBuckets<>(WINDOW, BUCKETS, ReactorTime.CLOCK,
			ValueHistogram::new);

	void record(Duration latency) {
		this.window.record((histogram) -> histogram.record(latency));
	}

	/**
	 * The percentile (95 for p95) of the window, within 3%; empty under
	 * {@link #MIN_SAMPLES} calls.
	 */
	Optional<Duration> percentile(double percentile) {
		if (!(percentile > 0 && percentile <= 100)) {
			throw new IllegalArgumentException("A percentile is above 0 and at most 100, was " + percentile);
		}
		ValueHistogram merged = new ValueHistogram();
		this.window.forEachLive(merged::add);
		if (merged.count() < MIN_SAMPLES) {
			return Optional.empty();
		}
		return Optional.of(Duration.ofMillis(merged.quantile(percentile / 100)));
	}

}
