package io.llmfallback.autoconfigure;

import io.llmfallback.actuate.LlmFallbackHealthIndicator;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.validation.internal.FallbackValidations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code llmFallback} health indicator; with gate details when the fallback-gate
 * module is present.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(FallbackChains.class)
@ConditionalOnEnabledHealthIndicator("llmfallback")
public final class LlmFallbackHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmFallbackHealthIndicator")
	LlmFallbackHealthIndicator llmFallbackHealthIndicator(FallbackChains chains, ProviderCircuitBreakers breakers,
			FallbackSignals signals, ObjectProvider<FallbackValidations> validations) {
		return new LlmFallbackHealthIndicator(chains, breakers, signals, validations.getIfAvailable());
	}

}
