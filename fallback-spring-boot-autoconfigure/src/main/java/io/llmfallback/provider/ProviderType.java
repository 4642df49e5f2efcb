package io.llmfallback.provider;

import java.util.Locale;

/** The wire protocols the starter speaks. */
public enum ProviderType {

	/**
	 * OpenAI chat completions, and every OpenAI-compatible API (Azure OpenAI v1,
	 * OpenRouter, Ollama, vLLM, Groq...).
	 */
	OPENAI,

	/** Anthropic messages. */
	ANTHROPIC,

	/** Google Gemini {@code generateContent}. */
	GEMINI,
	/**
	 * A Spring AI {@code ChatModel} bean of the application, called in process:
	 * {@code spring-ai}.
	 */
	SPRING_AI;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
