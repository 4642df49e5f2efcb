package io.llmfallback.contract.internal;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a model's output as JSON.
 */
public final class JsonOutput {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonOutput() {
	}

	/**
	 * Parses the output as JSON, taking it out of a Markdown code fence first: models
	 * often wrap JSON in one even when asked not to, and the fence is not what a contract
	 * is about.
	 * @return the JSON, or {@code null} when the output is not JSON
	 */
	public static @Nullable JsonNode parse(String text) {
		String body = text.strip();
		if (body.startsWith("```")) {
			int start = body.indexOf('\n');
			int end = body.lastIndexOf("```");
			if (start < 0 || end <= start) {
				return null;
			}
			body = body.substring(start + 1, end).strip();
		}
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
