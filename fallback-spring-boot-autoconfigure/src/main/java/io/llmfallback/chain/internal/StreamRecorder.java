package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.Arrays;

import io.llmfallback.chain.StreamStats;

/**
 * Records how a streamed attempt's chunks come, for its {@link StreamStats}. Written by
 * the one stream it describes, in order.
 */
final class StreamRecorder {

	private final long startNanos;

	private long firstChunkNanos = -1;

	private long lastChunkNanos;

	/**
	 * The gaps between chunks after the first, in nanoseconds; as many as the bounded
	 * stream has chunks.
	 */
	private long[] gaps = new long[16];

	private int gapCount;

	private boolean usageEstimated;

	private boolean continuation;

	StreamRecorder(long startNanos) {
		this.startNanos = startNanos;
	}

	/** When the attempt started, by {@link ReactorTime#nanos()}. */
	long startNanos() {
		return this.startNanos;
	}

	void chunkAt(long nanos) {
		if (this.firstChunkNanos < 0) {
			this.firstChunkNanos = nanos;
		}
		else {
			if (this.gapCount == this.gaps.length) {
				this.gaps = Arrays.copyOf(this.gaps, this.gaps.length * 2);
			}
			this.gaps[this.gapCount++] = Math.max(0, nanos - this.lastChunkNanos);
		}
		this.lastChunkNanos = nanos;
	}

	void usageEstimated() {
		this.usageEstimated = true;
	}

	void continuation() {
		this.continuation = true;
	}

	/** What the stream recorded so far. */
	StreamStats stats() {
		Duration timeToFirstChunk = (this.firstChunkNanos < 0) ? null
				: Duration.ofNanos(Math.max(0, this.firstChunkNanos - this.startNanos));
		return new StreamStats(timeToFirstChunk, Arrays.copyOf(this.gaps, this.gapCount), this.usageEstimated,
				this.continuation);
	}

}
