package io.llmfallback.chain.internal;

/**
 * A token bucket on {@link ReactorTime}: holds at most a minute's worth, refilled
 * continuously at a sixtieth of it a second, and full when made.
 * <p>
 * It may go below zero, down to minus its capacity: a request larger than the capacity is
 * let through when the bucket is full (it could never be sent otherwise), and usage
 * reported above the estimate is debited after the fact, so that the calls after it wait.
 * The floor bounds what a broken or hostile usage report can hold back: two minutes at
 * most.
 */
final class TokenBucket {

	/**
	 * Levels are kept in sixty-thousandths of a token, so that a millisecond refills
	 * exactly the per-minute figure: integer arithmetic, with no rounding to let a call
	 * through early or late.
	 */
	private static final long SCALE = 60_000;

	/** Time enough to refill from the floor to full; a longer pause refills no more. */
	private static final long FULL_REFILL_MILLIS = 2 * 60_000;

	private final long perMinute;

	private final long capacity;

	private long level;

	private long refilledAt;

	TokenBucket(long perMinute) {
		this.perMinute = perMinute;
		this.capacity = perMinute * SCALE;
		this.level = this.capacity;
		this.refilledAt = ReactorTime.CLOCK.millis();
	}

	/**
	 * Takes the amount if the bucket holds it, or if it is full; {@code false}, taking
	 * nothing, otherwise.
	 */
	synchronized boolean tryTake(long amount) {
		refill();
		long scaled = scaled(amount);
		if (scaled > this.level && this.level < this.capacity) {
			return false;
		}
		this.level = Math.max(-this.capacity, this.level - scaled);
		return true;
	}

	/** Gives back a positive amount, debits a negative one. */
	synchronized void add(long amount) {
		refill();
		this.level = Math.max(-this.capacity, Math.min(this.capacity, this.level + scaled(amount)));
	}

	/**
	 * The amount scaled, held to twice the capacity either way, beyond which it changes
	 * nothing.
	 */
	private long scaled(long amount) {
		return Math.max(-2 * this.perMinute, Math.min(2 * this.perMinute, amount)) * SCALE;
	}

	private void refill() {
		long now = ReactorTime.CLOCK.millis();
		// A clock stepped back refills nothing and counts on from its new reading.
		if (now > this.refilledAt) {
			long elapsed = Math.min(now - this.refilledAt, FULL_REFILL_MILLIS);
			this.level = Math.min(this.capacity, this.level + elapsed * this.perMinute);
		}
		this.refilledAt = now;
	}

}
