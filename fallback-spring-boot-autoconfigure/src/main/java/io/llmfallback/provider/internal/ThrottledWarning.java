package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

/**
 * A warning logged at most once per interval, saying how many it stood for: what a
 * provider sends can recur on every request, and one line a minute says as much as
 * thousands.
 */
final class ThrottledWarning {

	private final Log logger;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private final AtomicLong nextNanos;

	private final AtomicLong suppressed = new AtomicLong();

	/**
	 * @param nanoTime the clock, {@code System::nanoTime} but in tests
	 */
	ThrottledWarning(Log logger, Duration interval, LongSupplier nanoTime) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
		this.nextNanos = new AtomicLong(nanoTime.getAsLong());
	}

	void warn(Supplier<String> message) {
		long now = this.nanoTime.getAsLong();
		long next = this.nextNanos.get();
		if (now - next >= 0 && this.nextNanos.compareAndSet(next, now + this.intervalNanos)) {
			long missed = this.suppressed.getAndSet(0);
			this.logger.warn(message.get() + ((missed > 0)
					? " (and " + missed + " more like it since the last " + "such warning, not logged)" : ""));
		}
		else {
			this.suppressed.incrementAndGet();
		}
	}

}
