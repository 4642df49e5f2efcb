package io.llmfallback.chain;

/**
 * A token bucket on {@link ReactorTime}: holds at most a minute's worth, refilled continuously at a
 * sixtieth of it a second, and full when made.
 * <p>
 * It may go below zero, down to minus its capacity: a request larger than the capacity is let through when
 * the bucket is full (it could never be sent otherwise), and usage reported above the estimate is debited
 * after the fact, so that the calls after it wait. The floor bounds what a broken or hostile usage report
 * can hold back: two minutes at most.
 */
final class TokenBucket {

	private final double capacity;

	private final double perNano;

	private double level;

	private long refilledAt;

	TokenBucket(long perMinute) {
		this.capacity = perMinute;
		this.perNano = perMinute / 60e9;
		this.level = perMinute;
		this.refilledAt = ReactorTime.nanos();
	}

	/** Takes the amount if the bucket holds it, or if it is full; {@code false}, taking nothing, otherwise. */
	synchronized boolean tryTake(long amount) {
		refill();
		if (amount > this.level && this.level < this.capacity) {
			return false;
		}
		this.level = Math.max(-this.capacity, this.level - amount);
		return true;
	}

	/** Gives back a positive amount, debits a negative one. */
	synchronized void add(long amount) {
		refill();
		this.level = Math.max(-this.capacity, Math.min(this.capacity, this.level + amount));
	}

	private void refill() {
		long now = ReactorTime.nanos();
		// A clock stepped back refills nothing and counts on from its new reading.
		if (now > this.refilledAt) {
			this.level = Math.min(this.capacity, this.level + (now - this.refilledAt) * this.perNano);
		}
		this.refilledAt = now;
	}

}
