package io.llmfallback.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an invalid llm-fallback configuration into a start-up report that names each
 * wrong property.
 */
class LlmFallbackConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidLlmFallbackConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLlmFallbackConfigurationException cause) {
		return new FailureAnalysis(
				"The llm-fallback configuration is invalid:\n"
						+ InvalidLlmFallbackConfigurationException.describe(cause.getProblems()),
				"Correct the properties named above under llm.fallback (see the configuration reference in docs/configuration.md).",
				cause);
	}

}
