package io.llmfallback.gate;

import io.llmfallback.window.internal.ValueHistogram;
import org.jspecify.annotations.Nullable;

/**
 * A summary of measured values, read from a {@link ValueHistogram}: the count, mean,
 * smallest and largest are exact; percentiles are nearest-rank, exact below 64 and at
 * most about 3% above the value measured beyond, never above the largest.
 *
 * @param count how many values
 * @param mean their mean, to two decimals
 * @param p50 the median (nearest rank)
 * @param p95 the 95th percentile (nearest rank)
 * @param min the smallest
 * @param max the largest
 */
public record Distribution(int count, double mean, double p50, double p95, double min, double max) {

	/**
	 * The summary of the histogram, or {@code null} when it is empty. A count past 2^31 -
	 * 1 reads as 2^31 - 1.
	 */
	public static @Nullable Distribution of(ValueHistogram histogram) {
		if (histogram.count() == 0) {
			return null;
		}
		return new Distribution((int) Math.min(histogram.count(), Integer.MAX_VALUE), round(histogram.mean(), 2),
				histogram.quantile(0.50), histogram.quantile(0.95), histogram.min(), histogram.max());
	}

	static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
