package io.llmfallback.model;

import java.util.Objects;

/**
 * The JSON Schema a request's answer must match: OpenAI's {@code json_schema} response
 * format, Gemini's {@code responseJsonSchema}, and an instruction in the system prompt
 * for Anthropic.
 *
 * @param name the schema's name: letters, digits, {@code _} and {@code -}, at most 64
 * characters (OpenAI's rule)
 * @param schema the JSON Schema, as JSON text (an object schema); a provider fails a
 * schema that is not a JSON object as {@code bad-request} before sending it
 * @param strict whether OpenAI is asked to follow the schema exactly, which takes a
 * subset of JSON Schema only (every property required, no additional properties)
 */
public record JsonSchemaFormat(String name, String schema, boolean strict) {

	public JsonSchemaFormat {
		ToolDefinition.requireValidName("A schema name", name);
		Objects.requireNonNull(schema, "schema");
		if (schema.isBlank()) {
			throw new IllegalArgumentException("A JSON schema needs its text");
		}
	}

}
