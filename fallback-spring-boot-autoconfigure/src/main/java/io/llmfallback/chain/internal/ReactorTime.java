package io.llmfallback.chain.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Schedulers;

/**
 * The time of a chain: Reactor's parallel scheduler's, the one {@code Mono.timeout} and
 * {@code Mono.delay} use, so that virtual-time tests drive deadlines, delays and rolling
 * windows alike. The scheduler is looked up at every reading, since a virtual-time test
 * swaps it in after the chain is built.
 */
public final class ReactorTime {

	/** A {@link Clock} over the same time, for the rolling windows that read one. */
	public static final Clock CLOCK = new Clock() {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException("Chain time has no zone");
		}

		@Override
		public long millis() {
			return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

	};

	private ReactorTime() {
	}

	public static long nanos() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

}
