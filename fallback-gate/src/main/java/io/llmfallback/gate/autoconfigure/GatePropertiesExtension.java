package io.llmfallback.gate.autoconfigure;

import java.util.Map;

import io.llmfallback.autoconfigure.internal.LlmFallbackPropertiesExtension;

/**
 * The gate's keys under {@code llm.fallback}, for the check that fails start-up on a key
 * naming nothing.
 */
final class GatePropertiesExtension implements LlmFallbackPropertiesExtension {

	@Override
	public Map<String, Class<?>> properties() {
		return Map.of("gate", LlmFallbackGateProperties.class, "review", LlmFallbackReviewProperties.class);
	}

	@Override
	public Class<?> chainProperties() {
		return ChainGateProperties.class;
	}

}
