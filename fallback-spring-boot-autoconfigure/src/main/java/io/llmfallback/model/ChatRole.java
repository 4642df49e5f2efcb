package io.llmfallback.model;

/** Who speaks a {@link ChatMessage}. */
public enum ChatRole {

	SYSTEM, USER, ASSISTANT

}
