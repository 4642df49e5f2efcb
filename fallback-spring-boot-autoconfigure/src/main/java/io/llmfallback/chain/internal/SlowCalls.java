package io.llmfallback.chain.internal;

import java.util.Iterator;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A provider's calls in flight by the order they started, telling those past their
 * slow-call threshold, and the newest-started call that was answered. Thread-safe through
 * its own lock, held for a few tree operations: calls start and end on many threads.
 */
final class SlowCalls {

	private static final long NONE = -1;

	private long started;

	private long newestAnswered = NONE;

	/** The start numbers of the slow calls in flight. */
	private final TreeSet<Long> slow = new TreeSet<>();

	/** Counts a call as started now, after every call started before. */
	synchronized Call start() {
		return new Call(this.started++, ReactorTime.nanos());
	}

	/**
	 * Marks a call still in flight as slow, and tells whether the provider has stopped
	 * answering: at least {@code needed} slow calls are in flight that started after the
	 * newest-started call that was answered. Counts no more than {@code needed}. Slow
	 * calls started before that answer do not count, nor do they hold the others back: a
	 * call of a slow tail stuck since before the provider stopped would otherwise keep a
	 * hang from being seen until it timed out.
	 */
	synchronized boolean markSlow(Call call, int needed) {
		if (call.ended) {
			return false;
		}
		this.slow.add(call.number);
		int unanswered = 0;
		Iterator<Long> newestFirst = this.slow.descendingIterator();
		while (unanswered < needed && newestFirst.hasNext() && newestFirst.next() > this.newestAnswered) {
			unanswered++;
		}
		return unanswered >= needed;
	}

	/**
	 * Ends a call, and tells whether it was in flight: a second end of the same call does
	 * nothing.
	 */
	synchronized boolean end(Call call, boolean answered) {
		if (call.ended) {
			return false;
		}
		call.ended = true;
		this.slow.remove(call.number);
		if (answered) {
			this.newestAnswered = Math.max(this.newestAnswered, call.number);
		}
		return true;
	}

	/** A call in flight. */
	static final class Call {

		final long number;

		/** When the call started, by {@link ReactorTime#nanos()}. */
		final long startNanos;

		/**
		 * What marks the call slow once it passes its threshold; {@code null} without
		 * slow-call detection.
		 */
		volatile @Nullable Disposable timer;

		/**
		 * Read and written under the lock of the {@link SlowCalls} that started the call.
		 */
		private boolean ended;

		private Call(long number, long startNanos) {
			this.number = number;
			this.startNanos = startNanos;
		}

	}

}
