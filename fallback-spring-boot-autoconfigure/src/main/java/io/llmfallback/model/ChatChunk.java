package io.llmfallback.model;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One piece of a streamed answer, in the same shape whichever provider sent it. A stream
 * is zero or more chunks with text, and ends with one carrying the finish reason; usage
 * comes on the chunk the provider sent it with (usually the last), and is {@code null} on
 * the others.
 *
 * @param text the text this chunk adds; empty for a chunk that only carries a finish
 * reason or usage
 * @param finishReason why generation stopped, in the provider's words ({@code stop},
 * {@code end_turn}, {@code STOP}...), on the last chunk; {@code null} before it
 * @param usage the tokens the provider reported for the whole answer, or {@code null} on
 * a chunk without them
 * @param model the model that answered, as the provider reported it, or {@code null} when
 * the chunk does not say
 * @param toolCalls tool calls, each whole: the provider's argument deltas are assembled
 * before a call is passed on, on the chunk that ends it (usually the last)
 */
public record ChatChunk(String text, @Nullable String finishReason, @Nullable TokenUsage usage, @Nullable String model,
		List<ToolCall> toolCalls) {

	public ChatChunk {
		Objects.requireNonNull(text, "text");
		toolCalls = List.copyOf(toolCalls);
	}

	/** A chunk without tool calls. */
	public ChatChunk(String text, @Nullable String finishReason, @Nullable TokenUsage usage, @Nullable String model) {
		this(text, finishReason, usage, model, List.of());
	}

	/** A chunk of text only. */
	public static ChatChunk text(String text) {
		return new ChatChunk(text, null, null, null, List.of());
	}

	/** Whether this chunk adds text. */
	public boolean hasText() {
		return !this.text.isEmpty();
	}

}
