package io.llmfallback.chain.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.model.ChatResponse;
import org.jspecify.annotations.Nullable;

/**
 * What one call has come to, moved on by whichever thread gets there first: it is sent
 * (or given up before it left), then either settles with the provider's outcome or is
 * given up while it waits, never both.
 */
final class CallState {

	private static final int PENDING = 0;

	private static final int SENT = 1;

	private static final int SETTLED = 2;

	private static final int GIVEN_UP = 3;

	private final AtomicInteger phase = new AtomicInteger(PENDING);

	private final AtomicBoolean released = new AtomicBoolean();

	/**
	 * Set once the call is sent; a call can be sent only while pending, so it stays as it
	 * is after that.
	 */
	private volatile boolean sent;

	/**
	 * Marks the call sent; {@code false} when it was given up first, and must not be
	 * sent.
	 */
	boolean send() {
		this.sent = this.phase.compareAndSet(PENDING, SENT);
		return this.sent;
	}

	/** The answer the call settled with, or {@code null}. */
	private volatile @Nullable ChatResponse answer;

	/** Whether the call's record was added; each call has one. */
	private final AtomicBoolean recorded = new AtomicBoolean();

	@Nullable ChatResponse answer() {
		return this.answer;
	}

	/** Claims the call's one record. */
	boolean claimRecord() {
		return this.recorded.compareAndSet(false, true);
	}

	/**
	 * Settles the call with its outcome, an answer or {@code null}; {@code false} when
	 * given up first.
	 */
	boolean settle(@Nullable Object outcome) {
		if (outcome instanceof ChatResponse response) {
			// Before the phase moves: a canceller that finds the call settled finds
			// its answer too. Kept on a call given up first, where nothing reads it.
			this.answer = response;
		}
		int current = this.phase.get();
		while (current == PENDING || current == SENT) {
			if (this.phase.compareAndSet(current, SETTLED)) {
				return true;
			}
			current = this.phase.get();
		}
		return current == SETTLED;
	}

	/**
	 * Gives the call up; {@code false} when it had settled first, or was already given
	 * up.
	 */
	boolean giveUp() {
		int current = this.phase.get();
		while (current == PENDING || current == SENT) {
			if (this.phase.compareAndSet(current, GIVEN_UP)) {
				return true;
			}
			current = this.phase.get();
		}
		return false;
	}

	/** Whether the provider was called: the request left, or was about to. */
	boolean wasSent() {
		return this.sent;
	}

	/**
	 * Whether this call may give its place among the request's attempts back: never sent,
	 * and only once.
	 */
	boolean releaseUnsent() {
		return !wasSent() && this.released.compareAndSet(false, true);
	}

}
