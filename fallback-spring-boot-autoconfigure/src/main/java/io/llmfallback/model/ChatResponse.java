package io.llmfallback.model;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A provider's answer, normalized.
 *
 * @param text the generated text
 * @param finishReason the provider's own finish reason ({@code stop}, {@code end_turn}, {@code MAX_TOKENS}...),
 * or {@code null} when it sent none
 * @param usage tokens the provider reported
 * @param provider the configured name of the provider that answered
 * @param model the model that answered, as the provider reported it
 * @param latency how long the provider call took
 */
public record ChatResponse(String text, @Nullable String finishReason, TokenUsage usage, String provider,
		String model, Duration latency) {

	public ChatResponse {
		Objects.requireNonNull(text, "text");
		Objects.requireNonNull(usage, "usage");
		Objects.requireNonNull(provider, "provider");
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(latency, "latency");
	}

	public ChatResponse withLatency(Duration latency) {
		return new ChatResponse(this.text, this.finishReason, this.usage, this.provider, this.model, latency);
	}

}
