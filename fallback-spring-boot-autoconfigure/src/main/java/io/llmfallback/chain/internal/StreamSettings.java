package io.llmfallback.chain.internal;

import java.time.Duration;

/**
 * How long a provider's stream may keep a request waiting: for its first chunk, measured
 * from the attempt's own start, and between two chunks. Both are bounded by what is left
 * of the chain's latency budget.
 *
 * @param timeToFirstChunk the most an attempt waits for the stream's first chunk before
 * falling over
 * @param stallTimeout the most a stream may go without a chunk before the attempt ends
 */
public record StreamSettings(Duration timeToFirstChunk, Duration stallTimeout) {

	/**
	 * Well below the default 30 s provider timeout: a provider that has not started
	 * streaming in 10 s is rarely about to, and the next one can still answer within the
	 * budget.
	 */
	public static final Duration DEFAULT_TIME_TO_FIRST_CHUNK = Duration.ofSeconds(10);

	/** Longer than the pauses of a model that reasons between two pieces of text. */
	public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(20);

	public StreamSettings {
		if (timeToFirstChunk.isNegative() || timeToFirstChunk.isZero() || stallTimeout.isNegative()
				|| stallTimeout.isZero()) {
			throw new IllegalArgumentException(
					"Stream limits must be positive, were " + timeToFirstChunk + " and " + stallTimeout);
		}
	}

	/**
	 * The defaults for a provider with this timeout: the first chunk within 10 s, or the
	 * timeout if shorter (and positive: an invalid timeout is reported on its own).
	 */
	public static StreamSettings defaults(Duration timeout) {
		boolean shorter = !timeout.isNegative() && !timeout.isZero()
				&& timeout.compareTo(DEFAULT_TIME_TO_FIRST_CHUNK) < 0;
		return new StreamSettings(shorter ? timeout : DEFAULT_TIME_TO_FIRST_CHUNK, DEFAULT_STALL_TIMEOUT);
	}

}
