package io.llmfallback.observe.internal;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.ShareBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * What keeps a provider from holding requests, read where it lives: per provider the
 * calls in flight ({@code llm.fallback.provider.in_flight}) and the slow-call threshold
 * in force ({@code llm.fallback.provider.slow_call_threshold}, seconds); per chain the
 * retries and hedges its budgets refused ({@code llm.fallback.budget.exhausted}, tag
 * {@code budget}: {@code retry} or {@code hedge}).
 */
public final class GuardMeters implements MeterBinder {

	private final ProviderGuards guards;

	private final Collection<String> providers;

	private final Collection<FallbackChain> chains;

	public GuardMeters(ProviderGuards guards, Collection<String> providers, Collection<FallbackChain> chains) {
		this.guards = guards;
		this.providers = providers;
		this.chains = chains;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String provider : this.providers) {
			Gauge.builder("llm.fallback.provider.in_flight", this.guards, (guards) -> guards.inFlight(provider))
				.description("Calls of the provider in flight, to compare with its max-concurrency")
				.tag("provider", provider)
				.register(registry);
			TimeGauge
				.builder("llm.fallback.provider.slow_call_threshold", this.guards, TimeUnit.NANOSECONDS,
						(guards) -> guards.slowCallThreshold(provider).toNanos())
				.description("Age past which a call of the provider in flight is slow: configured, or derived "
						+ "from its recent latency")
				.tag("provider", provider)
				.register(registry);
		}
		for (FallbackChain chain : this.chains) {
			// Only the library's chains keep budgets; a chain of the user's has none to
			// report.
			if (chain instanceof DefaultFallbackChain built) {
				exhausted(registry, chain.name(), "retry", built.retryBudget());
				exhausted(registry, chain.name(), "hedge", built.hedgeBudget());
			}
		}
	}

	private static void exhausted(MeterRegistry registry, String chain, String budget, ShareBudget shares) {
		FunctionCounter.builder("llm.fallback.budget.exhausted", shares, ShareBudget::refused)
			.description("Retries or hedges the chain's budget refused: the request moved on, or waited, instead")
			.tag("chain", chain)
			.tag("budget", budget)
			.register(registry);
	}

}
