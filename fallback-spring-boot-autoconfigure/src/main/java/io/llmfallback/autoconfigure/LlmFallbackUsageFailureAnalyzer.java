package io.llmfallback.autoconfigure;

import io.llmfallback.aop.InvalidLlmFallbackUsageException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns misused {@code @LlmFallback} annotations into a start-up report that names each
 * method.
 */
class LlmFallbackUsageFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLlmFallbackUsageException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLlmFallbackUsageException cause) {
		return new FailureAnalysis(
				"@LlmFallback is used where it cannot work:\n"
						+ InvalidLlmFallbackUsageException.describe(cause.getProblems()),
				"Name a chain configured under llm.fallback.chains (or a String parameter with chain = \"#name\"), and a "
						+ "fallbackMethod declared in the same class with the method's parameters, optionally followed by a "
						+ "Throwable, returning the same type.",
				cause);
	}

}
