package io.llmfallback.autoconfigure;

import io.llmfallback.actuate.LlmFallbackHealthIndicator;
import io.llmfallback.actuate.internal.LlmFallbackStatus;
import io.llmfallback.chain.FallbackChains;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The {@code llmFallback} health indicator; with gate details when the fallback-gate
 * module is present.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(FallbackChains.class)
@ConditionalOnEnabledHealthIndicator("llmfallback")
@Import(LlmFallbackStatusConfiguration.class)
public final class LlmFallbackHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmFallbackHealthIndicator")
	LlmFallbackHealthIndicator llmFallbackHealthIndicator(LlmFallbackStatus status) {
		return new LlmFallbackHealthIndicator(status);
	}

}
