package io.llmfallback.gate.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolDefinition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the tool calls of an answer against the tools of its request: each call's
 * arguments must be JSON valid against its tool's parameters schema, with the same JSON
 * Schema validation as schema compliance. Built once per corpus line, for every
 * provider's answer to it.
 */
public final class ToolCallCheck {

	/**
	 * The longest arguments read: no tool of a corpus takes more, and the validation of
	 * longer text would only measure a model that runs on.
	 */
	static final int MAX_ARGUMENT_CHARS = 64 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final Map<String, Schema> schemas;

	private ToolCallCheck(Map<String, Schema> schemas) {
		this.schemas = schemas;
	}

	/**
	 * The check of calls of these tools.
	 * @throws IllegalArgumentException when a tool's parameters are not a JSON Schema
	 */
	public static ToolCallCheck of(List<ToolDefinition> tools) {
		Map<String, Schema> schemas = new HashMap<>();
		for (ToolDefinition tool : tools) {
			schemas.put(tool.name(), OutputContract.parseSchema(tool.parameters()));
		}
		return new ToolCallCheck(schemas);
	}

	/**
	 * What is wrong with the call's arguments, at most {@code limit} violations; empty
	 * when they are valid.
	 */
	public List<String> violations(ToolCall call, int limit) {
		String prefix = "tool " + call.name() + ": ";
		Schema schema = this.schemas.get(call.name());
		if (schema == null) {
			return List.of(prefix + "not a tool of the request");
		}
		if (call.arguments().length() > MAX_ARGUMENT_CHARS) {
			return List.of(prefix + "arguments longer than " + MAX_ARGUMENT_CHARS + " characters");
		}
		JsonNode arguments;
		try {
			arguments = JSON.readTree(call.arguments());
		}
		catch (JacksonException ex) {
			return List.of(prefix + "arguments are not JSON");
		}
		if (arguments == null || arguments.isMissingNode()) {
			return List.of(prefix + "arguments are not JSON");
		}
		List<String> violations = new ArrayList<>();
		for (Error error : schema.validate(arguments)) {
			if (violations.size() == limit) {
				break;
			}
			String location = String.valueOf(error.getInstanceLocation());
			violations.add(prefix + (location.isEmpty() ? "" : location + " ") + error.getMessage());
		}
		return violations;
	}

	/**
	 * Whether two answers called the same tools: the same names as many times each,
	 * whatever the order of parallel calls.
	 */
	public static boolean sameTools(List<String> calls, List<String> others) {
		return calls.size() == others.size() && counts(calls).equals(counts(others));
	}

	private static Map<String, Integer> counts(List<String> names) {
		Map<String, Integer> counts = new HashMap<>();
		names.forEach((name) -> counts.merge(name, 1, Integer::sum));
		return counts;
	}

}
