package io.llmfallback.gate.internal;

import io.llmfallback.gate.Distribution;
import io.llmfallback.window.internal.ValueHistogram;
import org.jspecify.annotations.Nullable;

/**
 * The rounding and summaries the gate and the review report their figures with, so that
 * both read alike.
 */
public final class Figures {

	private Figures() {
	}

	/**
	 * The summary of the histogram, or {@code null} when it is empty. A count past 2^31 -
	 * 1 reads as 2^31 - 1.
	 */
	public static @Nullable Distribution distribution(ValueHistogram histogram) {
		if (histogram.count() == 0) {
			return null;
		}
		return new Distribution((int) Math.min(histogram.count(), Integer.MAX_VALUE), round(histogram.mean(), 2),
				histogram.quantile(0.50), histogram.quantile(0.95), histogram.min(), histogram.max());
	}

	public static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
