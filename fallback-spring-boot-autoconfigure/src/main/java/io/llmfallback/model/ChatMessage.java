package io.llmfallback.model;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation.
 *
 * @param role who speaks
 * @param content the text; for a {@link ChatRole#TOOL} message, the tool's result
 * @param images images of a user message, after its text
 * @param toolCalls the tool calls of an assistant message the model answered with
 * @param toolCallId for a {@link ChatRole#TOOL} message, the id of the call it answers
 * @param toolName for a {@link ChatRole#TOOL} message, the tool that was called (Gemini
 * names a result by its tool, not by the call's id)
 */
public record ChatMessage(ChatRole role, String content, List<ImageInput> images, List<ToolCall> toolCalls,
		@Nullable String toolCallId, @Nullable String toolName) {

	public ChatMessage {
		Objects.requireNonNull(role, "role");
		Objects.requireNonNull(content, "content");
		images = List.copyOf(images);
		toolCalls = List.copyOf(toolCalls);
		if (!images.isEmpty() && role != ChatRole.USER) {
			throw new IllegalArgumentException("Only a user message holds images");
		}
		if (!toolCalls.isEmpty() && role != ChatRole.ASSISTANT) {
			throw new IllegalArgumentException("Only an assistant message holds tool calls");
		}
		if ((role == ChatRole.TOOL) != (toolCallId != null && toolName != null)) {
			throw new IllegalArgumentException("A tool message, and only one, names its call's id and tool");
		}
	}

	public ChatMessage(ChatRole role, String content) {
		this(role, content, List.of(), List.of(), null, null);
	}

	public static ChatMessage system(String content) {
		return new ChatMessage(ChatRole.SYSTEM, content);
	}

	public static ChatMessage user(String content) {
		return new ChatMessage(ChatRole.USER, content);
	}

	/** A user message of text and images. */
	public static ChatMessage user(String content, List<ImageInput> images) {
		return new ChatMessage(ChatRole.USER, content, images, List.of(), null, null);
	}

	public static ChatMessage assistant(String content) {
		return new ChatMessage(ChatRole.ASSISTANT, content);
	}

	/** The model's earlier answer that called tools, with the text it wrote, if any. */
	public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
		return new ChatMessage(ChatRole.ASSISTANT, content, List.of(), toolCalls, null, null);
	}

	/** The result of a tool call, sent back to the model. */
	public static ChatMessage toolResult(ToolCall call, String result) {
		return new ChatMessage(ChatRole.TOOL, result, List.of(), List.of(), call.id(), call.name());
	}

}
