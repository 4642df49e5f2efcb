package io.llmfallback.benchmarks.outage;

import java.util.Arrays;

/** Durations in nanoseconds, added from any thread, read as nearest-rank percentiles. */
final class Samples {

	private long[] values = new long[256];

	private int size;

	synchronized void add(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
	}

	synchronized int size() {
		return this.size;
	}

	/** The values in ascending order. */
	synchronized long[] sorted() {
		long[] sorted = Arrays.copyOf(this.values, this.size);
		Arrays.sort(sorted);
		return sorted;
	}

	/**
	 * The nearest-rank percentile (0 to 100) of ascending values; 0 when there are none.
	 */
	static long percentile(long[] sorted, double percent) {
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(percent / 100 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

}
