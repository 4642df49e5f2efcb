package io.llmfallback.autoconfigure;

import io.llmfallback.actuate.internal.LlmFallbackStatus;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.validation.internal.FallbackValidations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link LlmFallbackStatus} that the endpoint and the health indicator read,
 * imported by both of their auto-configurations so that it exists when either does.
 */
@Configuration(proxyBeanMethods = false)
final class LlmFallbackStatusConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmFallbackStatus llmFallbackStatus(LlmProviders providers, FallbackChains chains, ProviderCircuitBreakers breakers,
			ProviderGuards guards, ChainStatistics statistics, FallbackSignals signals, SpendGuard spendGuard,
			ObjectProvider<FallbackValidations> validations) {
		return new LlmFallbackStatus(providers, chains, breakers, guards, statistics, signals, spendGuard,
				validations.getIfAvailable());
	}

}
