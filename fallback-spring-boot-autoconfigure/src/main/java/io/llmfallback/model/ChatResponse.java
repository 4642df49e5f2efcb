package io.llmfallback.model;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A provider's answer, normalized.
 *
 * @param text the generated text
 * @param finishReason the provider's own finish reason ({@code stop}, {@code end_turn},
 * {@code MAX_TOKENS}...), or {@code null} when it sent none
 * @param usage tokens the provider reported
 * @param provider the configured name of the provider that answered
 * @param model the model that answered, as the provider reported it
 * @param latency how long the provider call took
 * @param toolCalls the tools the model asked to call, in its order; the text may then be
 * empty
 */
public record ChatResponse(String text, @Nullable String finishReason, TokenUsage usage, String provider, String model,
		Duration latency, List<ToolCall> toolCalls) {

	// OpenAI says "length", Anthropic "max_tokens", Gemini "MAX_TOKENS".
	private static final Set<String> TOKEN_LIMIT_FINISH_REASONS = Set.of("length", "max_tokens");

	public ChatResponse {
		Objects.requireNonNull(text, "text");
		Objects.requireNonNull(usage, "usage");
		Objects.requireNonNull(provider, "provider");
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(latency, "latency");
		toolCalls = List.copyOf(toolCalls);
	}

	/** An answer of text only. */
	public ChatResponse(String text, @Nullable String finishReason, TokenUsage usage, String provider, String model,
			Duration latency) {
		this(text, finishReason, usage, provider, model, latency, List.of());
	}

	/** Whether the model asked for tool calls. */
	public boolean hasToolCalls() {
		return !this.toolCalls.isEmpty();
	}

	/**
	 * Whether the output-token limit cut the answer off, whichever provider's vocabulary
	 * the finish reason is in.
	 */
	public boolean isTruncated() {
		return this.finishReason != null
				&& TOKEN_LIMIT_FINISH_REASONS.contains(this.finishReason.toLowerCase(Locale.ROOT));
	}

	/** This answer with other text, its tool calls and the rest kept: for a rewrite. */
	public ChatResponse withText(String text) {
		return new ChatResponse(text, this.finishReason, this.usage, this.provider, this.model, this.latency,
				this.toolCalls);
	}

	public ChatResponse withUsage(TokenUsage usage) {
		return new ChatResponse(this.text, this.finishReason, usage, this.provider, this.model, this.latency,
				this.toolCalls);
	}

	public ChatResponse withLatency(Duration latency) {
		return new ChatResponse(this.text, this.finishReason, this.usage, this.provider, this.model, latency,
				this.toolCalls);
	}

}
