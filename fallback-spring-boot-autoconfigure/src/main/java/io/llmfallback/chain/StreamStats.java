package io.llmfallback.chain;

import java.time.Duration;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * How a streamed attempt's chunks of output came: when the first one with text did, and
 * the time between each and the one before it, as the OpenTelemetry GenAI
 * {@code time_to_first_chunk} and {@code time_per_output_chunk} meters record them.
 * Chunks without text (a role, the finish reason and usage) are no output and do not
 * count. A value: taken when the attempt ended, or was given up.
 */
public final class StreamStats {

	private final @Nullable Duration timeToFirstChunk;

	private final long[] chunkGapNanos;

	private final boolean usageEstimated;

	private final boolean continuation;

	/**
	 * @param timeToFirstChunk from the attempt's start to its first chunk with text, or
	 * {@code null} when none came
	 * @param chunkGapNanos the time each chunk after the first took from the one before
	 * it, in nanoseconds, in order (copied)
	 * @param usageEstimated whether the attempt's usage is an estimate
	 * @param continuation whether the attempt continued another provider's answer
	 */
	public StreamStats(@Nullable Duration timeToFirstChunk, long[] chunkGapNanos, boolean usageEstimated,
			boolean continuation) {
		if (timeToFirstChunk == null && chunkGapNanos.length > 0) {
			throw new IllegalArgumentException("Gaps between chunks need a first chunk");
		}
		this.timeToFirstChunk = timeToFirstChunk;
		this.chunkGapNanos = chunkGapNanos.clone();
		this.usageEstimated = usageEstimated;
		this.continuation = continuation;
	}

	/**
	 * From the attempt's start to its first chunk with text; {@code null} when none came.
	 */
	public @Nullable Duration timeToFirstChunk() {
		return this.timeToFirstChunk;
	}

	/** How many chunks with text came. */
	public int chunks() {
		return (this.timeToFirstChunk == null) ? 0 : this.chunkGapNanos.length + 1;
	}

	/**
	 * Passes the time each chunk after the first took from the chunk before it, in order.
	 */
	public void forEachChunkGap(Consumer<Duration> gap) {
		for (long nanos : this.chunkGapNanos) {
			gap.accept(Duration.ofNanos(nanos));
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
