package io.llmfallback.gate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.networknt.schema.Schema;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The prompts a compatibility gate replays: JSON Lines, one request per line.
 *
 * <pre>
 * // comment lines and blank lines are skipped
 * {"id":"greet","system":"Be brief.","prompt":"Say hello to Ada."}
 * {"id":"triage","messages":[{"role":"user","content":"My card was charged twice."}],"maxTokens":300}
 * {"id":"extract","prompt":"Summarize: ...","schema":{"type":"object","required":["summary"],
 *   "properties":{"summary":{"type":"string"}}}}
 * {"id":"weather","prompt":"Weather in Paris?","tools":[{"name":"get_weather","description":"Current weather",
 *   "parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string"}}}}]}
 * </pre>
 *
 * (The last two lines are one line each in a real file.) Fields: {@code id} (default
 * {@code line-N}, unique), {@code prompt} or {@code messages} (exactly one; roles
 * {@code system}, {@code user}, {@code assistant}), {@code system} (put first),
 * {@code maxTokens} (positive), {@code temperature}, {@code responseFormat} ({@code json}
 * or {@code text}; {@code json} by default when the line has a {@code schema}),
 * {@code schema} (an inline JSON Schema object, draft 2020-12), {@code tools} (the tools
 * the model may call: {@code name}, optional {@code description}, optional
 * {@code parameters}, the JSON Schema object of the arguments, an object without
 * properties by default) and {@code toolChoice} ({@code auto}, {@code none},
 * {@code required}, or {@code {"name":"get_weather"}} for that tool). Any other field is
 * an error, so that a misspelt {@code promt} does not silently send an empty corpus line.
 * Every error names the line.
 */
public final class GateCorpus {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final List<String> FIELDS = List.of("id", "system", "prompt", "messages", "maxTokens", "temperature",
			"responseFormat", "schema", "tools", "toolChoice");

	private static final List<String> TOOL_FIELDS = List.of("name", "description", "parameters");

	private static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

	private static final String DEFAULT_SOURCE = "corpus";

	private final List<CorpusEntry> entries;

	private GateCorpus(List<CorpusEntry> entries) {
		this.entries = List.copyOf(entries);
	}

	/**
	 * A corpus of entries built in code.
	 * @throws IllegalArgumentException when there are none or two share an id
	 */
	public static GateCorpus of(List<CorpusEntry> entries) {
		if (entries.isEmpty()) {
			throw new GateCorpusException(DEFAULT_SOURCE, 0, "has no requests", null);
		}
		Set<String> ids = new HashSet<>();
		for (CorpusEntry entry : entries) {
			if (!ids.add(entry.id())) {
				throw new GateCorpusException(DEFAULT_SOURCE, entry.line(), "id '" + entry.id() + "' is used twice",
						null);
			}
		}
		return new GateCorpus(entries);
	}

	/**
	 * Reads JSON Lines text.
	 * @throws GateCorpusException naming the first line at fault
	 */
	public static GateCorpus parse(String jsonl) {
		return read(new StringReader(jsonl), DEFAULT_SOURCE);
	}

	/**
	 * Reads a UTF-8 JSON Lines file.
	 * @throws GateCorpusException naming the file and the first line at fault
	 * @throws UncheckedIOException when the file cannot be read
	 */
	public static GateCorpus read(Path file) {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			return read(reader, String.valueOf(file.getFileName()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read corpus " + file, ex);
		}
	}

	/**
	 * Reads a UTF-8 JSON Lines stream, which the caller closes.
	 * @throws GateCorpusException naming the first line at fault
	 * @throws UncheckedIOException when the stream cannot be read
	 */
	public static GateCorpus read(InputStream in) {
		return read(new InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT_SOURCE);
	}

	/**
	 * Reads JSON Lines from a reader, which the caller closes.
	 * @param source what to call it in error messages, e.g. a file name
	 * @throws GateCorpusException naming the source and the first line at fault
	 * @throws UncheckedIOException when the reader fails
	 */
	public static GateCorpus read(Reader reader, String source) {
		BufferedReader lines = (reader instanceof BufferedReader buffered) ? buffered : new BufferedReader(reader);
		List<CorpusEntry> entries = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		int number = 0;
		try {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				number++;
				String text = (number == 1 && line.startsWith("\uFEFF")) ? line.substring(1) : line;
				text = text.strip();
				if (text.isEmpty() || text.startsWith("//")) {
					continue;
				}
				CorpusEntry entry = entry(text, source, number);
				if (!ids.add(entry.id())) {
					throw new GateCorpusException(source, number, "id '" + entry.id() + "' is used twice", null);
				}
				entries.add(entry);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read corpus " + source, ex);
		}
		if (entries.isEmpty()) {
			throw new GateCorpusException(source, 0, "has no requests (only blank or // comment lines)", null);
		}
		return new GateCorpus(entries);
	}

	public List<CorpusEntry> entries() {
		return this.entries;
	}

	public int size() {
		return this.entries.size();
	}

	private static CorpusEntry entry(String text, String source, int number) {
		JsonNode node;
		try {
			node = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new GateCorpusException(source, number, "not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		if (node == null || !node.isObject()) {
			throw new GateCorpusException(source, number, "not a JSON object", null);
		}
		Problems problems = new Problems(source, number);
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			if (!FIELDS.contains(field.getKey())) {
				throw problems.of("unknown field \"" + field.getKey() + "\"; expected some of " + FIELDS);
			}
		}
		String id = optionalText(node, "id", problems);
		if (id == null) {
			id = "line-" + number;
		}
		else if (id.isBlank()) {
			throw problems.of("\"id\" is blank");
		}
		List<ChatMessage> messages = messages(node, problems);
		Integer maxTokens = null;
		JsonNode maxTokensNode = node.get("maxTokens");
		if (maxTokensNode != null && !maxTokensNode.isNull()) {
			if (!maxTokensNode.isIntegralNumber() || !maxTokensNode.canConvertToInt()
					|| maxTokensNode.intValue() <= 0) {
				throw problems.of("\"maxTokens\" must be a positive integer, was " + maxTokensNode);
			}
			maxTokens = maxTokensNode.intValue();
		}
		Double temperature = null;
		JsonNode temperatureNode = node.get("temperature");
		if (temperatureNode != null && !temperatureNode.isNull()) {
			if (!temperatureNode.isNumber() || temperatureNode.doubleValue() < 0) {
				throw problems.of("\"temperature\" must be a number of 0 or more, was " + temperatureNode);
			}
			temperature = temperatureNode.doubleValue();
		}
		Schema schema = null;
		JsonNode schemaNode = node.get("schema");
		if (schemaNode != null && !schemaNode.isNull()) {
			schema = schema(schemaNode, "\"schema\"", problems);
		}
		ResponseFormat format = (schema != null) ? ResponseFormat.JSON : ResponseFormat.TEXT;
		String formatName = optionalText(node, "responseFormat", problems);
		if (formatName != null) {
			format = switch (formatName.strip().toLowerCase(Locale.ROOT)) {
				case "json" -> ResponseFormat.JSON;
				case "text" -> ResponseFormat.TEXT;
				default ->
					throw problems.of("\"responseFormat\" must be \"json\" or \"text\", was \"" + formatName + "\"");
			};
		}
		ChatRequest request = new ChatRequest(messages, null, maxTokens, temperature, format);
		List<ToolDefinition> tools = tools(node, problems);
		ToolChoice toolChoice = toolChoice(node, problems);
		if (!tools.isEmpty() || toolChoice != null) {
			try {
				request = request.withTools(tools, toolChoice);
			}
			catch (IllegalArgumentException ex) {
				throw problems.of("\"toolChoice\": " + ex.getMessage());
			}
		}
		return new CorpusEntry(id, number, request, schema);
	}

	private static Schema schema(JsonNode node, String where, Problems problems) {
		if (!node.isObject()) {
			throw problems.of(where + " must be a JSON Schema object, was " + node.getNodeType());
		}
		try {
			return OutputContract.parseSchema(JSON.writeValueAsString(node));
		}
		catch (IllegalArgumentException ex) {
			throw problems.of(where + ": " + ex.getMessage(), ex);
		}
	}

	private static List<ToolDefinition> tools(JsonNode node, Problems problems) {
		JsonNode tools = node.get("tools");
		if (tools == null || tools.isNull()) {
			return List.of();
		}
		if (!tools.isArray() || tools.isEmpty()) {
			throw problems.of("\"tools\" must be a non-empty array of {\"name\",\"description\",\"parameters\"}");
		}
		List<ToolDefinition> definitions = new ArrayList<>();
		Set<String> names = new HashSet<>();
		int index = 0;
		for (JsonNode tool : tools) {
			String where = "\"tools\"[" + index++ + "]";
			if (!tool.isObject()) {
				throw problems.of(where + " is not an object");
			}
			for (String field : tool.propertyNames()) {
				if (!TOOL_FIELDS.contains(field)) {
					throw problems.of(where + " has unknown field \"" + field + "\"; expected some of " + TOOL_FIELDS);
				}
			}
			JsonNode name = tool.get("name");
			if (name == null || !name.isString()) {
				throw problems.of(where + " needs a \"name\" string");
			}
			JsonNode description = tool.get("description");
			if (description != null && !description.isNull() && !description.isString()) {
				throw problems.of(where + ".description must be a string, was " + description.getNodeType());
			}
			JsonNode parameters = tool.get("parameters");
			String parametersJson = NO_PARAMETERS;
			if (parameters != null && !parameters.isNull()) {
				schema(parameters, where + ".parameters", problems);
				parametersJson = JSON.writeValueAsString(parameters);
			}
			try {
				definitions.add(new ToolDefinition(name.stringValue(),
						(description != null && description.isString()) ? description.stringValue() : "",
						parametersJson));
			}
			catch (IllegalArgumentException ex) {
				throw problems.of(where + ": " + ex.getMessage());
			}
			if (!names.add(name.stringValue())) {
				throw problems.of(where + ": tool '" + name.stringValue() + "' is defined twice");
			}
		}
		return definitions;
	}

	private static @Nullable ToolChoice toolChoice(JsonNode node, Problems problems) {
		JsonNode choice = node.get("toolChoice");
		if (choice == null || choice.isNull()) {
			return null;
		}
		if (choice.isObject() && choice.size() == 1 && choice.path("name").isString()) {
			try {
				return ToolChoice.tool(choice.path("name").stringValue());
			}
			catch (IllegalArgumentException ex) {
				throw problems.of("\"toolChoice\": " + ex.getMessage());
			}
		}
		String mode = choice.isString() ? choice.stringValue().strip().toLowerCase(Locale.ROOT) : "";
		return switch (mode) {
			case "auto" -> ToolChoice.AUTO;
			case "none" -> ToolChoice.NONE;
			case "required" -> ToolChoice.REQUIRED;
			default -> throw problems
				.of("\"toolChoice\" must be \"auto\", \"none\", \"required\" or {\"name\":\"<tool>\"}, was " + choice);
		};
	}

	private static List<ChatMessage> messages(JsonNode node, Problems problems) {
		List<ChatMessage> messages = new ArrayList<>();
		String system = optionalText(node, "system", problems);
		if (system != null) {
			if (system.isBlank()) {
				throw problems.of("\"system\" is blank");
			}
			messages.add(ChatMessage.system(system));
		}
		String prompt = optionalText(node, "prompt", problems);
		JsonNode conversation = node.get("messages");
		boolean hasMessages = conversation != null && !conversation.isNull();
		if (prompt != null && hasMessages) {
			throw problems.of("\"prompt\" and \"messages\" are both set; give one");
		}
		if (prompt == null && !hasMessages) {
			throw problems.of("needs \"prompt\" or \"messages\"");
		}
		if (prompt != null) {
			if (prompt.isBlank()) {
				throw problems.of("\"prompt\" is blank");
			}
			messages.add(ChatMessage.user(prompt));
			return messages;
		}
		if (!conversation.isArray() || conversation.isEmpty()) {
			throw problems.of("\"messages\" must be a non-empty array of {\"role\",\"content\"}");
		}
		int index = 0;
		for (JsonNode message : conversation) {
			String where = "\"messages\"[" + index++ + "]";
			if (!message.isObject()) {
				throw problems.of(where + " is not an object");
			}
			JsonNode role = message.get("role");
			JsonNode content = message.get("content");
			if (role == null || !role.isString()) {
				throw problems.of(where + " needs a \"role\" string");
			}
			if (content == null || !content.isString()) {
				throw problems.of(where + " needs a \"content\" string");
			}
			ChatRole chatRole = switch (role.stringValue().strip().toLowerCase(Locale.ROOT)) {
				case "system" -> ChatRole.SYSTEM;
				case "user" -> ChatRole.USER;
				case "assistant" -> ChatRole.ASSISTANT;
				default -> throw problems
					.of(where + " has role \"" + role.stringValue() + "\"; expected system, user or assistant");
			};
			messages.add(new ChatMessage(chatRole, content.stringValue()));
		}
		if (messages.stream().noneMatch((message) -> message.role() != ChatRole.SYSTEM)) {
			throw problems.of("\"messages\" has only system messages");
		}
		return messages;
	}

	private static @Nullable String optionalText(JsonNode node, String field, Problems problems) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw problems.of("\"" + field + "\" must be a string, was " + value.getNodeType());
		}
		return value.stringValue();
	}

	private record Problems(String source, int line) {

		GateCorpusException of(String problem) {
			return of(problem, null);
		}

		GateCorpusException of(String problem, @Nullable Throwable cause) {
			return new GateCorpusException(this.source, this.line, problem, cause);
		}

	}

}
