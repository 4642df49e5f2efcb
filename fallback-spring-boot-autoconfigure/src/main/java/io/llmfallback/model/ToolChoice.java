package io.llmfallback.model;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call.
 *
 * @param mode how the model chooses
 * @param toolName the tool it must call, for {@link Mode#TOOL} only
 */
public record ToolChoice(Mode mode, @Nullable String toolName) {

	/** The model decides whether to call a tool. */
	public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);

	/** The model must not call a tool. */
	public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);

	/** The model must call at least one tool, whichever it picks. */
	public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

	public ToolChoice {
		Objects.requireNonNull(mode, "mode");
		if ((mode == Mode.TOOL) != (toolName != null)) {
			throw new IllegalArgumentException("A tool name goes with mode TOOL, and only with it");
		}
		if (toolName != null) {
			ToolDefinition.requireValidName("A tool name", toolName);
		}
	}

	/** The model must call this tool. */
	public static ToolChoice tool(String name) {
		return new ToolChoice(Mode.TOOL, name);
	}

	/** How the model chooses a tool. */
	public enum Mode {

		/**
		 * It decides (OpenAI {@code auto}, Anthropic {@code auto}, Gemini {@code AUTO}).
		 */
		AUTO,

		/** It calls none ({@code none}, {@code none}, {@code NONE}). */
		NONE,

		/** It calls at least one ({@code required}, {@code any}, {@code ANY}). */
		REQUIRED,

		/** It calls the named one. */
		TOOL

	}

}
