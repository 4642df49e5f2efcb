package io.llmfallback.actuate.internal;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * What the fallback-gate module adds to {@code /actuator/llmfallback}: the gate run and
 * the periodic review. Without that module no bean implements it, and both operations
 * answer 404.
 */
public interface LlmFallbackGateOperations {

	/**
	 * {@code POST /actuator/llmfallback/{chain}}: runs the gate of a configured chain and
	 * answers its report, or why it cannot run now.
	 * @param chain a configured chain
	 */
	Mono<WebEndpointResponse<Object>> runGate(String chain);

	/**
	 * {@code GET /actuator/llmfallback/{chain}/review}: the chain's periodic review of
	 * its live traffic.
	 * @param chain a configured chain
	 */
	@Nullable Object review(String chain);

}
