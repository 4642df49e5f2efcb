package io.llmfallback.gate;

import java.util.Arrays;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * A summary of measured values. Percentiles are nearest-rank: p95 of 10 values is the
 * largest, p50 the fifth smallest; every percentile is a value that was measured.
 *
 * @param count how many values
 * @param mean their mean
 * @param p50 the median (nearest rank)
 * @param p95 the 95th percentile (nearest rank)
 * @param min the smallest
 * @param max the largest
 */
public record Distribution(int count, double mean, double p50, double p95, double min, double max) {

	/** The distribution of the values, or {@code null} when there are none. */
	static @Nullable Distribution of(Collection<? extends Number> values, int decimals) {
		if (values.isEmpty()) {
			return null;
		}
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		double mean = Arrays.stream(sorted).sum() / sorted.length;
		return new Distribution(sorted.length, round(mean, decimals), round(percentile(sorted, 0.50), decimals),
				round(percentile(sorted, 0.95), decimals), round(sorted[0], decimals),
				round(sorted[sorted.length - 1], decimals));
	}

	static double percentile(double[] sorted, double p) {
		int rank = (int) Math.ceil(p * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
	}

	static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
