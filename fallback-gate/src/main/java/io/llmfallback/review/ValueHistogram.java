package io.llmfallback.review;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Counts of whole non-negative values (milliseconds, characters) in bins that are exact
 * below 64 and 1/32 of a power of two wide above, up to 2^24 (larger values share the
 * last bin). A percentile read from it is the upper edge of its bin: at most about 3%
 * above the value measured, never outside the smallest and largest values recorded. The
 * count, sum, smallest and largest value are exact. Memory is fixed, and only taken once
 * a value is recorded.
 */
final class ValueHistogram {

	private static final int EXACT = 64;

	private static final int EXACT_BITS = 6;

	private static final int SUB_BITS = 5;

	private static final int SUB_BINS = 1 << SUB_BITS;

	private static final long LARGEST = (1L << 24) - 1;

	private static final int BINS = bin(LARGEST) + 1;

	private long @Nullable [] counts;

	private long count;

	private long sum;

	private long min = Long.MAX_VALUE;

	private long max = Long.MIN_VALUE;

	void record(long value) {
		long recorded = Math.max(0, value);
		counts()[bin(Math.min(recorded, LARGEST))]++;
		this.count++;
		this.sum += recorded;
		this.min = Math.min(this.min, recorded);
		this.max = Math.max(this.max, recorded);
	}

	void add(ValueHistogram other) {
		if (other.counts == null) {
			return;
		}
		long[] counts = counts();
		for (int bin = 0; bin < BINS; bin++) {
			counts[bin] += other.counts[bin];
		}
		this.count += other.count;
		this.sum += other.sum;
		this.min = Math.min(this.min, other.min);
		this.max = Math.max(this.max, other.max);
	}

	void reset() {
		if (this.counts != null) {
			Arrays.fill(this.counts, 0);
		}
		this.count = 0;
		this.sum = 0;
		this.min = Long.MAX_VALUE;
		this.max = Long.MIN_VALUE;
	}

	long count() {
		return this.count;
	}

	/** The mean; {@code NaN} when empty. */
	double mean() {
		return (double) this.sum / this.count;
	}

	long min() {
		return this.min;
	}

	long max() {
		return this.max;
	}

	/**
	 * The nearest-rank percentile: the upper edge of the bin holding the
	 * {@code ceil(quantile * count)}-th smallest value, or the largest value recorded
	 * when that is smaller.
	 * @throws IllegalStateException when nothing was recorded
	 */
	long percentile(double quantile) {
		long[] counts = this.counts;
		if (counts == null || this.count == 0) {
			throw new IllegalStateException("No value recorded");
		}
		long rank = Math.max(1, (long) Math.ceil(quantile * this.count));
		long seen = 0;
		for (int bin = 0; bin < BINS; bin++) {
			seen += counts[bin];
			if (seen >= rank) {
				// The last bin holds every larger value too: the largest recorded bounds
				// it.
				return (bin == BINS - 1) ? this.max : Math.min(this.max, upperEdge(bin));
			}
		}
		return this.max;
	}

	private long[] counts() {
		if (this.counts == null) {
			this.counts = new long[BINS];
		}
		return this.counts;
	}

	private static int bin(long value) {
		if (value < EXACT) {
			return (int) value;
		}
		int exponent = 63 - Long.numberOfLeadingZeros(value);
		// The value's top SUB_BITS + 1 bits: SUB_BINS to 2 * SUB_BINS - 1.
		int top = (int) (value >> (exponent - SUB_BITS));
		return EXACT + (exponent - EXACT_BITS) * SUB_BINS + top - SUB_BINS;
	}

	private static long upperEdge(int bin) {
		if (bin < EXACT) {
			return bin;
		}
		int exponent = EXACT_BITS + (bin - EXACT) / SUB_BINS;
		int top = SUB_BINS + (bin - EXACT) % SUB_BINS;
		return ((long) (top + 1) << (exponent - SUB_BITS)) - 1;
	}

}
