package io.llmfallback.gate.autoconfigure;

import io.llmfallback.actuate.LlmFallbackEndpoint;
import io.llmfallback.actuate.internal.LlmFallbackGateOperations;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.review.internal.TrafficReview;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The gate run ({@code POST /actuator/llmfallback/{chain}}) and the review ({@code GET
 * /actuator/llmfallback/{chain}/review}) on the runtime's endpoint, when it is available.
 */
@AutoConfiguration(after = LlmFallbackGateAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ ChainGates.class, TrafficReview.class })
@ConditionalOnAvailableEndpoint(LlmFallbackEndpoint.class)
public final class LlmFallbackGateEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmFallbackGateOperations llmFallbackGateOperations(ChainGates gates, TrafficReview review) {
		return new GateEndpointOperations(gates, review);
	}

}
