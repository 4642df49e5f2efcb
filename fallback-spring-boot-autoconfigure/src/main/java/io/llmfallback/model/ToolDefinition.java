package io.llmfallback.model;

import java.util.Objects;

/**
 * A tool the model may call: the same three things every provider asks for, in its own
 * wire format.
 *
 * @param name the tool's name, as the model will call it: letters, digits, {@code _} and
 * {@code -}, at most 64 characters (the narrowest provider's rule)
 * @param description what the tool does, for the model to decide when to call it
 * @param parameters the JSON Schema of the tool's arguments, as JSON text (an object
 * schema)
 */
public record ToolDefinition(String name, String description, String parameters) {

	private static final int MAX_NAME_LENGTH = 64;

	public ToolDefinition {
		Objects.requireNonNull(description, "description");
		Objects.requireNonNull(parameters, "parameters");
		requireValidName("A tool name", name);
	}

	/**
	 * Fails unless the name is one every provider accepts: OpenAI and Anthropic allow
	 * letters, digits, underscores and dashes, up to 64 characters, for a tool as for a
	 * response schema.
	 */
	static void requireValidName(String what, String name) {
		Objects.requireNonNull(name, "name");
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException(
					what + " needs 1 to " + MAX_NAME_LENGTH + " characters, was " + name.length());
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
					|| c == '-';
			if (!allowed) {
				throw new IllegalArgumentException(
						what + " may hold letters, digits, '_' and '-' only; found '" + c + "' at " + i);
			}
		}
	}

}
