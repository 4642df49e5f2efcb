package io.llmfallback.model;

/** Who speaks a {@link ChatMessage}. */
public enum ChatRole {

	SYSTEM, USER, ASSISTANT,

	/** The result of a tool call, sent back to the model. */
	TOOL

}
