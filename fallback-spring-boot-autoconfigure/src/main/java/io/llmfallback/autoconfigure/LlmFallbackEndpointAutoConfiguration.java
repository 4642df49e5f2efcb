package io.llmfallback.autoconfigure;

import io.llmfallback.actuate.LlmFallbackEndpoint;
import io.llmfallback.actuate.internal.LlmFallbackGateOperations;
import io.llmfallback.actuate.internal.LlmFallbackStatus;
import io.llmfallback.chain.FallbackChains;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The {@code llmfallback} actuator endpoint, when the actuator is present and the
 * endpoint exposed; with the gate run, the review and the chains' validations when the
 * fallback-gate module provides them.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(FallbackChains.class)
@ConditionalOnAvailableEndpoint(LlmFallbackEndpoint.class)
@Import(LlmFallbackStatusConfiguration.class)
public final class LlmFallbackEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmFallbackEndpoint llmFallbackEndpoint(LlmFallbackStatus status, ObjectProvider<LlmFallbackGateOperations> gate) {
		return new LlmFallbackEndpoint(status, gate.getIfAvailable());
	}

}
