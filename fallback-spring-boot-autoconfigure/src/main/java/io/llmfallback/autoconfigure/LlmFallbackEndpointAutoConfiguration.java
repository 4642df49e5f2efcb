package io.llmfallback.autoconfigure;

import io.llmfallback.actuate.LlmFallbackEndpoint;
import io.llmfallback.actuate.LlmFallbackGateOperations;
import io.llmfallback.chain.ChainStatistics;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.chain.ProviderGuards;
import io.llmfallback.chain.SpendGuard;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.validation.internal.FallbackValidations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code llmfallback} actuator endpoint, when the actuator is present and the
 * endpoint exposed; with the gate run, the review and the chains' validations when the
 * fallback-gate module provides them.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(FallbackChains.class)
@ConditionalOnAvailableEndpoint(LlmFallbackEndpoint.class)
public final class LlmFallbackEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmFallbackEndpoint llmFallbackEndpoint(LlmProviders providers, FallbackChains chains,
			ProviderCircuitBreakers breakers, ProviderGuards guards, ChainStatistics statistics,
			FallbackSignals signals, SpendGuard spendGuard, ObjectProvider<FallbackValidations> validations,
			ObjectProvider<LlmFallbackGateOperations> gate) {
		return new LlmFallbackEndpoint(providers, chains, breakers, guards, statistics, signals, spendGuard,
				validations.getIfAvailable(), gate.getIfAvailable());
	}

}
