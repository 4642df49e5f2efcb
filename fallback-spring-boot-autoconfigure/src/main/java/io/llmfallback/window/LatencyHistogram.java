package io.llmfallback.window;

import java.time.Duration;
import java.util.Arrays;

/**
 * Counts of latencies in fixed exponential bins from 1 ms to about 20 minutes, growing by
 * 10% a bin: a percentile read from it is within 10% of the true value, in constant
 * memory.
 * <p>
 * Not thread-safe: one is a bucket of a {@link TimeBuckets}, written and read under its
 * lock, or a merged copy.
 */
public final class LatencyHistogram implements TimeBuckets.Bucket {

	private static final double GROWTH = 1.1;

	private static final int BINS = 148;

	private final long[] counts = new long[BINS];

	private long total;

	/** Counts one latency; anything past the last bin counts in it. */
	public void record(Duration latency) {
		this.counts[bin(latency.toNanos() / 1_000_000.0)]++;
		this.total++;
	}

	/** Adds another histogram's counts to this one's, for reading a window as one. */
	public void add(LatencyHistogram other) {
		for (int i = 0; i < BINS; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
	}

	/** Forgets every count. */
	@Override
	public void reset() {
		Arrays.fill(this.counts, 0);
		this.total = 0;
	}

	/** How many latencies were counted. */
	public long count() {
		return this.total;
	}

	/**
	 * The upper edge of the bin holding the given quantile, in milliseconds; 0 when
	 * empty.
	 */
	public double quantileMillis(double quantile) {
		if (this.total == 0) {
			return 0;
		}
		long rank = (long) Math.ceil(quantile * this.total);
		long seen = 0;
		for (int i = 0; i < BINS; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return upperEdge(i);
			}
		}
		return upperEdge(BINS - 1);
	}

	private static int bin(double millis) {
		if (millis <= 1) {
			return 0;
		}
		int bin = (int) Math.ceil(Math.log(millis) / Math.log(GROWTH));
		return Math.min(bin, BINS - 1);
	}

	private static double upperEdge(int bin) {
		return Math.pow(GROWTH, bin);
	}

}
