package io.llmfallback.model;

import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role who speaks
 * @param content the text
 */
public record ChatMessage(ChatRole role, String content) {

	public ChatMessage {
		Objects.requireNonNull(role, "role");
		Objects.requireNonNull(content, "content");
	}

	public static ChatMessage system(String content) {
		return new ChatMessage(ChatRole.SYSTEM, content);
	}

	public static ChatMessage user(String content) {
		return new ChatMessage(ChatRole.USER, content);
	}

	public static ChatMessage assistant(String content) {
		return new ChatMessage(ChatRole.ASSISTANT, content);
	}

}
