package io.llmfallback.model;

import java.util.Objects;

/**
 * A call of a tool the model asked for, in an answer or, sent back, in the conversation.
 *
 * @param id the call's id, which the tool's result names; the provider's own, or one the
 * library made up for a provider that sends none (Gemini)
 * @param name the tool's name
 * @param arguments the arguments, as the JSON text the model wrote (not validated: the
 * model may write what the schema does not allow)
 */
public record ToolCall(String id, String name, String arguments) {

	public ToolCall {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(arguments, "arguments");
	}

}
