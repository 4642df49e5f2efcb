package io.llmfallback.window.internal;

import java.time.Duration;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Counts of whole non-negative values (latencies in milliseconds, lengths in characters)
 * in fixed bins: exact below 64, 1/32 of a power of two wide above, up to 2^24 (4.6 hours
 * in milliseconds, 16 million characters; larger values share the last bin). A quantile
 * is nearest-rank, read as the upper edge of its bin: at most about 3% above the value
 * measured, never above the largest value recorded. The count, sum, smallest and largest
 * value are exact.
 * <p>
 * Memory is fixed whatever is recorded: 640 {@code int} counts (2.5 KB), taken when the
 * first value is, so an idle histogram costs a few words. A bin's count stops at
 * {@link Integer#MAX_VALUE} rather than wrap round; only a bin of more than two billion
 * values reaches it, and its quantiles then read at most the largest value.
 * <p>
 * Not thread-safe: one is a bucket of a {@link TimeBuckets}, written and read under its
 * lock, or a sum of them, or owned by a single thread.
 */
public final class ValueHistogram implements TimeBuckets.Bucket {

	private static final int EXACT = 64;

	private static final int EXACT_BITS = 6;

	private static final int SUB_BITS = 5;

	private static final int SUB_BINS = 1 << SUB_BITS;

	private static final long LARGEST = (1L << 24) - 1;

	private static final int BINS = bin(LARGEST) + 1;

	private int @Nullable [] counts;

	private long count;

	private long sum;

	private long min = Long.MAX_VALUE;

	private long max = Long.MIN_VALUE;

	/** Counts one value; a negative one counts as 0. */
	public void record(long value) {
		long recorded = Math.max(0, value);
		int[] counts = counts();
		int bin = bin(Math.min(recorded, LARGEST));
		counts[bin] = plus(counts[bin], 1);
		this.count++;
		this.sum += recorded;
		this.min = Math.min(this.min, recorded);
		this.max = Math.max(this.max, recorded);
	}

	/**
	 * Counts one latency in whole milliseconds, rounded up: a quantile is never below the
	 * latencies it stands for, and a call of less than a millisecond reads 1 ms, not 0.
	 */
	public void record(Duration latency) {
		long millis = latency.toMillis();
		record((latency.toNanosPart() % 1_000_000 == 0) ? millis : millis + 1);
	}

	/** Adds another histogram's counts to this one's, for reading a window as one. */
	public void add(ValueHistogram other) {
		int[] theirs = other.counts;
		if (theirs == null || other.count == 0) {
			return;
		}
		int[] counts = counts();
		for (int bin = 0; bin < BINS; bin++) {
			counts[bin] = plus(counts[bin], theirs[bin]);
		}
		this.count += other.count;
		this.sum += other.sum;
		this.min = Math.min(this.min, other.min);
		this.max = Math.max(this.max, other.max);
	}

	/** Forgets every value, keeping the counts' memory for the next ones. */
	@Override
	public void reset() {
		if (this.counts != null) {
			Arrays.fill(this.counts, 0);
		}
		this.count = 0;
		this.sum = 0;
		this.min = Long.MAX_VALUE;
		this.max = Long.MIN_VALUE;
	}

	/** How many values were counted. */
	public long count() {
		return this.count;
	}

	/**
	 * The exact mean.
	 * @throws IllegalStateException when nothing was recorded
	 */
	public double mean() {
		requireValues();
		return (double) this.sum / this.count;
	}

	/**
	 * The smallest value recorded.
	 * @throws IllegalStateException when nothing was recorded
	 */
	public long min() {
		requireValues();
		return this.min;
	}

	/**
	 * The largest value recorded.
	 * @throws IllegalStateException when nothing was recorded
	 */
	public long max() {
		requireValues();
		return this.max;
	}

	/**
	 * The nearest-rank quantile (0.95 for p95): the upper edge of the bin holding the
	 * {@code ceil(quantile * count)}-th smallest value, or the largest value recorded
	 * when that is smaller.
	 * @throws IllegalArgumentException when the quantile is not between 0 and 1
	 * @throws IllegalStateException when nothing was recorded
	 */
	public long quantile(double quantile) {
		if (!(quantile >= 0 && quantile <= 1)) {
			throw new IllegalArgumentException("A quantile is between 0 and 1, was " + quantile);
		}
		int[] counts = requireValues();
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
		// Only a saturated bin leaves the rank out of reach.
		return this.max;
	}

	private int[] requireValues() {
		int[] counts = this.counts;
		if (counts == null || this.count == 0) {
			throw new IllegalStateException("No value recorded");
		}
		return counts;
	}

	private int[] counts() {
		int[] counts = this.counts;
		if (counts == null) {
			counts = new int[BINS];
			this.counts = counts;
		}
		return counts;
	}

	private static int plus(int count, long more) {
		return (int) Math.min(count + more, Integer.MAX_VALUE);
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
