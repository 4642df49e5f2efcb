package io.llmfallback.test;

import java.util.Locale;

/**
 * The wire formats a {@link SimulatedProvider} speaks: the three the starter's provider
 * clients call.
 */
public enum WireProtocol {

	/** OpenAI chat completions: {@code POST /v1/chat/completions}. */
	OPENAI,

	/** Anthropic messages: {@code POST /v1/messages}. */
	ANTHROPIC,

	/**
	 * Google Gemini: {@code POST /v1beta/models/{model}:generateContent}, and
	 * {@code :streamGenerateContent?alt=sse}.
	 */
	GEMINI;

	/**
	 * The protocol's name in {@code llm.fallback.providers.*.type}: {@code openai},
	 * {@code anthropic} or {@code gemini}.
	 */
	public String type() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** A new format of this protocol: each provider numbers its own answers. */
	WireFormat format() {
		return switch (this) {
			case OPENAI -> new OpenAiWireFormat();
			case ANTHROPIC -> new AnthropicWireFormat();
			case GEMINI -> new GeminiWireFormat();
		};
	}

}
