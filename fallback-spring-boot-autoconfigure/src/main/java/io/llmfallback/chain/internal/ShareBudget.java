package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import io.llmfallback.window.internal.TimeBuckets;

/**
 * Extra calls (retries, hedges) allowed as a share of a chain's requests over a rolling
 * window, so that however a provider fails, they never multiply its traffic: at a share
 * of 10% a provider failing every call gets at most 1.1 calls a request. A reserve of
 * extra calls a second lets a quiet chain use them too. Time is {@link ReactorTime}'s.
 */
public final class ShareBudget {

	/** The window over which requests and extra calls are counted. */
	public static final Duration WINDOW = Duration.ofSeconds(10);

	private static final int BUCKETS = 10;

	private final double share;

	private final int reserve;

	private final TimeBuckets<Counts> window = new TimeBuckets<>(WINDOW, BUCKETS, ReactorTime.CLOCK, Counts::new);

	private final LongAdder granted = new LongAdder();

	private final LongAdder refused = new LongAdder();

	/**
	 * @param share the most extra calls as a share of requests, in [0, 1]
	 * @param reserve extra calls the window allows beyond the share
	 */
	public ShareBudget(double share, int reserve) {
		if (share < 0 || share > 1 || reserve < 0) {
			throw new IllegalArgumentException(
					"A budget needs a share in [0, 1] and a reserve >= 0, had " + share + " and " + reserve);
		}
		this.share = share;
		this.reserve = reserve;
	}

	/** Counts one logical request of the chain. */
	public void recordRequest() {
		this.window.record((counts) -> counts.requests++);
	}

	/**
	 * Takes one extra call if the window has room for it; counted as granted or refused
	 * either way.
	 */
	public boolean tryAcquire() {
		long[] totals = new long[2];
		// Read and recorded under the window's lock, so that concurrent requests cannot
		// overdraw it together.
		synchronized (this.window) {
			this.window.forEachLive((counts) -> {
				totals[0] += counts.requests;
				totals[1] += counts.extra;
			});
			if (totals[1] + 1 > this.share * totals[0] + this.reserve) {
				this.refused.increment();
				return false;
			}
			this.window.record((counts) -> counts.extra++);
		}
		this.granted.increment();
		return true;
	}

	/** Extra calls granted since start. */
	public long granted() {
		return this.granted.sum();
	}

	/** Extra calls refused since start: the budget was exhausted. */
	public long refused() {
		return this.refused.sum();
	}

	private static final class Counts implements TimeBuckets.Bucket {

		long requests;

		long extra;

		@Override
		public void reset() {
			this.requests = 0;
			this.extra = 0;
		}

	}

}
