package io.llmfallback.test;

import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated provider misbehaves inside a stream it answers with 200: what it does
 * after {@code afterChunks} chunks of text, and how long it waits before its first event.
 *
 * @param kind what goes wrong in the stream
 * @param afterChunks how many chunks of text it sends first (all of them for
 * {@link Kind#NO_TERMINATOR}); beyond the answer's chunks, the fault comes after the last
 * one
 * @param firstChunkDelay how long it waits, once the headers are sent, before its first
 * event
 */
public record StreamFault(Kind kind, int afterChunks, Duration firstChunkDelay) {

	/** A stream that goes as it should. */
	public static final StreamFault NONE = new StreamFault(Kind.NONE, 0, Duration.ZERO);

	public StreamFault {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(firstChunkDelay, "firstChunkDelay");
		if (afterChunks < 0) {
			throw new IllegalArgumentException("afterChunks cannot be negative, was " + afterChunks);
		}
		if (firstChunkDelay.isNegative()) {
			throw new IllegalArgumentException(
					"firstChunkDelay cannot be negative, was " + firstChunkDelay.toMillis() + " ms");
		}
	}

	/** A stream whose connection is closed after that many chunks of text. */
	public static StreamFault cutAfter(int chunks) {
		return new StreamFault(Kind.CUT, chunks, Duration.ZERO);
	}

	/**
	 * A stream that sends nothing more after that many chunks of text, its connection
	 * held open.
	 */
	public static StreamFault stallAfter(int chunks) {
		return new StreamFault(Kind.STALL, chunks, Duration.ZERO);
	}

	/**
	 * A stream that sends the provider's error event inside its 200 after that many
	 * chunks of text.
	 */
	public static StreamFault errorAfter(int chunks) {
		return new StreamFault(Kind.ERROR_EVENT, chunks, Duration.ZERO);
	}

	/**
	 * A stream whose first event comes that long after its headers, the rest as usual.
	 */
	public static StreamFault firstChunkAfter(Duration delay) {
		return new StreamFault(Kind.NONE, 0, delay);
	}

	/** Whether the stream goes as it should. */
	public boolean isNone() {
		return equals(NONE);
	}

	/** What goes wrong after the first chunks. */
	public enum Kind {

		/** Nothing: the whole stream, terminator included. */
		NONE,

		/**
		 * The connection is closed: no terminator, not even the end of the chunked body.
		 */
		CUT,

		/** Nothing more is sent, and the connection is held open. */
		STALL,

		/**
		 * An error event inside the 200, in the provider's format, then the body ends.
		 */
		ERROR_EVENT,

		/** An event whose {@code data:} line is not JSON, then the rest of the stream. */
		MALFORMED,

		/**
		 * Every chunk and the finish, then the body ends without the provider's
		 * end-of-stream event.
		 */
		NO_TERMINATOR

	}

}
