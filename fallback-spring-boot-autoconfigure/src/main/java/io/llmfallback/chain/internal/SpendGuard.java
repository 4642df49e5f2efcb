package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.window.internal.TimeBuckets;
import org.jspecify.annotations.Nullable;

/**
 * Spend limits per chain and for all chains together, over a rolling window. Once a limit
 * is reached, the chain stops sending to fallback providers that cost more than its
 * primary: during an incident the expensive fallback degrades (a fallback method or a
 * typed error) instead of burning money. The primary keeps serving, and sending resumes
 * as the window rolls past the spend.
 */
public final class SpendGuard implements ChainListener {

	/** No limits. */
	public static final SpendGuard UNLIMITED = new SpendGuard(null, Map.of(), Duration.ofHours(1), Clock.systemUTC());

	private static final int BUCKETS = 60;

	private final @Nullable BigDecimal globalLimit;

	private final Map<String, BigDecimal> chainLimits;

	private final Spend global;

	private final Map<String, Spend> byChain = new LinkedHashMap<>();

	/**
	 * @param globalLimit USD per window for all chains together, or {@code null} for none
	 * @param chainLimits USD per window for single chains
	 * @param window the rolling window (at least a minute)
	 * @param clock the time source of the window
	 */
	public SpendGuard(@Nullable BigDecimal globalLimit, Map<String, BigDecimal> chainLimits, Duration window,
			Clock clock) {
		this.globalLimit = globalLimit;
		this.chainLimits = Map.copyOf(chainLimits);
		this.global = new Spend(window, clock);
		chainLimits.keySet().forEach((chain) -> this.byChain.put(chain, new Spend(window, clock)));
	}

	@Override
	public void onOutcome(ChainOutcome outcome) {
		spend(outcome);
	}

	/** A stream its caller cancelled was billed all the same. */
	@Override
	public void onCancelled(ChainOutcome cancelled) {
		spend(cancelled);
	}

	private void spend(ChainOutcome outcome) {
		if (this.globalLimit == null && this.chainLimits.isEmpty()) {
			return;
		}
		BigDecimal cost = outcome.costUsd();
		this.global.add(cost);
		Spend chain = this.byChain.get(outcome.chain());
		if (chain != null) {
			chain.add(cost);
		}
	}

	/** Whether the chain, or all chains together, spent their limit within the window. */
	public boolean isLimited(String chain) {
		BigDecimal chainLimit = this.chainLimits.get(chain);
		Spend chainSpend = this.byChain.get(chain);
		return (this.globalLimit != null && this.global.total().compareTo(this.globalLimit) >= 0)
				|| (chainLimit != null && chainSpend != null && chainSpend.total().compareTo(chainLimit) >= 0);
	}

	/**
	 * What the chain spent within the window; zero for a chain without a limit of its
	 * own.
	 */
	public BigDecimal spent(String chain) {
		Spend spend = this.byChain.get(chain);
		return (spend != null) ? spend.total() : BigDecimal.ZERO;
	}

	/** The chain's own limit, or {@code null}. */
	public @Nullable BigDecimal limit(String chain) {
		return this.chainLimits.get(chain);
	}

	private static final class Spend {

		private final TimeBuckets<Sum> buckets;

		Spend(Duration window, Clock clock) {
			this.buckets = new TimeBuckets<>(window, BUCKETS, clock, Sum::new);
		}

		void add(BigDecimal cost) {
			this.buckets.record((sum) -> sum.total = sum.total.add(cost));
		}

		BigDecimal total() {
			Sum all = new Sum();
			this.buckets.forEachLive((sum) -> all.total = all.total.add(sum.total));
			return all.total;
		}

	}

	private static final class Sum implements TimeBuckets.Bucket {

		BigDecimal total = BigDecimal.ZERO;

		@Override
		public void reset() {
			this.total = BigDecimal.ZERO;
		}

	}

}
