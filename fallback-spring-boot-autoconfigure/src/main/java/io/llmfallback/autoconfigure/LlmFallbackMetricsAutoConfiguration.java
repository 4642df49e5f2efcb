package io.llmfallback.autoconfigure;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.observe.internal.ChainMeters;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.observe.internal.GuardMeters;
import io.llmfallback.observe.internal.SignalMeters;
import io.llmfallback.provider.internal.LlmProviders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Meters of the chains ({@code llm.fallback.*}, OpenTelemetry GenAI client metrics),
 * gauges of the six signals, of the breakers and of the providers' guards, when
 * Micrometer has a registry.
 */
@AutoConfiguration(after = { LlmFallbackAutoConfiguration.class, MetricsAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, TaggedCircuitBreakerMetrics.class })
@ConditionalOnBean({ MeterRegistry.class, FallbackChains.class })
public final class LlmFallbackMetricsAutoConfiguration {

	@Bean
	ChainMeters llmFallbackChainMeters(MeterRegistry registry, LlmProviders providers) {
		return new ChainMeters(registry, providers);
	}

	@Bean
	SignalMeters llmFallbackSignalMeters(FallbackSignals signals, FallbackChains chains, LlmProviders providers) {
		return new SignalMeters(signals, chains.all().stream().map((chain) -> chain.name()).toList(),
				providers.all().stream().map((provider) -> provider.name()).toList());
	}

	@Bean
	GuardMeters llmFallbackGuardMeters(ProviderGuards guards, LlmProviders providers, FallbackChains chains) {
		return new GuardMeters(guards, providers.all().stream().map((provider) -> provider.name()).toList(),
				chains.all());
	}

	/**
	 * {@code llm.fallback.spend.limited} (chain): 1 while fallbacks dearer than the
	 * chain's primary are stopped.
	 */
	@Bean
	MeterBinder llmFallbackSpendMeters(SpendGuard spendGuard, FallbackChains chains) {
		return (registry) -> chains.all()
			.forEach((chain) -> Gauge
				.builder("llm.fallback.spend.limited", spendGuard, (guard) -> guard.isLimited(chain.name()) ? 1 : 0)
				.description("1 while a spend limit stops fallbacks dearer than the chain's primary")
				.tag("chain", chain.name())
				.register(registry));
	}

	@Bean
	TaggedCircuitBreakerMetrics llmFallbackCircuitBreakerMetrics(ProviderCircuitBreakers breakers) {
		return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.registry());
	}

	/** Keeps Micrometer from deriving meters from the chain's observations. */
	@Bean
	MeterFilter llmFallbackObservationMetersFilter() {
		return ChainMeters.observationMetersFilter();
	}

}
