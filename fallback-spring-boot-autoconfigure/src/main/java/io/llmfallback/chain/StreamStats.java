package io.llmfallback.chain;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

import io.llmfallback.chain.internal.ReactorTime;
import org.jspecify.annotations.Nullable;

/**
 * How a streamed attempt's chunks of output came: when the first one with text did, and
 * the time between each and the one before it, as the OpenTelemetry GenAI
 * {@code time_to_first_chunk} and {@code time_per_output_chunk} meters record them.
 * Chunks without text (a role, the finish reason and usage) are no output and do not
 * count. Written by the one stream it describes, in order, and read once the attempt has
 * ended.
 */
public final class StreamStats {

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

	public StreamStats(long startNanos) {
		this.startNanos = startNanos;
	}

	public void chunkAt(long nanos) {
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

	public void usageEstimated() {
		this.usageEstimated = true;
	}

	public void continuation() {
		this.continuation = true;
	}

	/** When the attempt started, by {@link ReactorTime#nanos()}. */
	public long startNanos() {
		return this.startNanos;
	}

	/**
	 * From the attempt's start to its first chunk with text; {@code null} when none came.
	 */
	public @Nullable Duration timeToFirstChunk() {
		return (this.firstChunkNanos < 0) ? null
				: Duration.ofNanos(Math.max(0, this.firstChunkNanos - this.startNanos));
	}

	/** How many chunks with text came. */
	public int chunks() {
		return (this.firstChunkNanos < 0) ? 0 : this.gapCount + 1;
	}

	/**
	 * Passes the time each chunk after the first took from the chunk before it, in order.
	 */
	public void forEachChunkGap(Consumer<Duration> gap) {
		for (int i = 0; i < this.gapCount; i++) {
			gap.accept(Duration.ofNanos(this.gaps[i]));
		}
	}

	/**
	 * Whether the attempt's usage is an estimate: the provider sent no usage (OpenAI
	 * without {@code include_usage}, a stream cut before its usage event), so the prompt
	 * was counted at its estimated tokens and the output at one token per four
	 * characters.
	 */
	public boolean isUsageEstimated() {
		return this.usageEstimated;
	}

	/**
	 * Whether the attempt continued another provider's interrupted answer, given as a
	 * prefill; its chunks followed that provider's.
	 */
	public boolean isContinuation() {
		return this.continuation;
	}

}
