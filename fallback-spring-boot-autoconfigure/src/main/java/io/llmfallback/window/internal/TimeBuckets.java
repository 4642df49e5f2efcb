package io.llmfallback.window.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A rolling window cut into a fixed number of buckets: recording goes into the bucket of
 * the current time slice, reading sums the buckets still inside the window. Memory is the
 * bucket count times one bucket, whatever the traffic; a bucket is reset when its slot
 * comes round again.
 * <p>
 * Thread-safe through its own lock: recording and reading are a few array operations.
 *
 * @param <B> the bucket's aggregate
 */
public final class TimeBuckets<B extends TimeBuckets.Bucket> {

	/** What one time slice aggregates. */
	public interface Bucket {

		void reset();

	}

	private final Clock clock;

	private final long sliceMillis;

	private final Object[] buckets;

	private final long[] sliceOf;

	public TimeBuckets(Duration window, int bucketCount, Clock clock, Supplier<B> factory) {
		if (bucketCount < 1 || window.toMillis() < bucketCount) {
			throw new IllegalArgumentException("A window of " + window + " cannot hold " + bucketCount + " buckets");
		}
		this.clock = clock;
		this.sliceMillis = window.toMillis() / bucketCount;
		this.buckets = new Object[bucketCount];
		this.sliceOf = new long[bucketCount];
		for (int i = 0; i < bucketCount; i++) {
			this.buckets[i] = factory.get();
			this.sliceOf[i] = Long.MIN_VALUE;
		}
	}

	/** Records into the current slice's bucket. */
	public synchronized void record(Consumer<B> recorder) {
		long slice = currentSlice();
		int index = (int) Math.floorMod(slice, (long) this.buckets.length);
		B bucket = bucket(index);
		if (this.sliceOf[index] != slice) {
			bucket.reset();
			this.sliceOf[index] = slice;
		}
		recorder.accept(bucket);
	}

	/** Visits every bucket whose slice is still inside the window, oldest first. */
	public synchronized void forEachLive(Consumer<B> reader) {
		long newest = currentSlice();
		long oldest = newest - this.buckets.length + 1;
		for (long slice = oldest; slice <= newest; slice++) {
			int index = (int) Math.floorMod(slice, (long) this.buckets.length);
			if (this.sliceOf[index] == slice) {
				reader.accept(bucket(index));
			}
		}
	}

	private long currentSlice() {
		return Math.floorDiv(this.clock.millis(), this.sliceMillis);
	}

	@SuppressWarnings("unchecked")
	private B bucket(int index) {
		return (B) this.buckets[index];
	}

}
