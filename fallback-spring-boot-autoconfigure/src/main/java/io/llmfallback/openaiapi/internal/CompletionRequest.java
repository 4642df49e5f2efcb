package io.llmfallback.openaiapi.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat completion request in OpenAI's format, read onto a {@link ChatRequest} for the
 * chain its {@code model} names: messages (tool calls, tool results and images included),
 * tools and tool choice, {@code stop}, {@code top_p} and {@code seed}. What the chain
 * cannot do as asked (several choices, the legacy {@code functions}) is refused with a
 * 400 naming the parameter rather than answered as if it had been done; other parameters
 * that only tune sampling ({@code presence_penalty}, {@code logit_bias}...) are accepted
 * and not sent on.
 *
 * @param chain the chain's name, from {@code model}
 * @param request what to send down the chain
 * @param stream whether to answer as server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk
 * ({@code stream_options.include_usage})
 */
record CompletionRequest(String chain, ChatRequest request, boolean stream, boolean includeUsage) {

	// The body's size is bounded before it is parsed; nesting is bounded here, since no
	// valid request nests deeper than a message's content parts.
	private static final JsonMapper JSON = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
			.build())
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final int QUOTED = 64;

	/** OpenAI's own limit on the tools of a request. */
	private static final int MAX_TOOLS = 128;

	/** More calls than one answer holds; bounds what is read of a message. */
	private static final int MAX_TOOL_CALLS = 128;

	private static final int MAX_STOP_SEQUENCES = 4;

	/** A JSON Schema that takes no arguments, for a function that declares none. */
	private static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

	/**
	 * The request in the body.
	 * @throws OpenAiApiException (400) when the body is not a chat completion request the
	 * chain can serve
	 */
	static CompletionRequest parse(byte[] body) {
		JsonNode root;
		try {
			root = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw OpenAiApiException.invalid(null, "The request body is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw OpenAiApiException.invalid(null, "The request body must be a JSON object");
		}
		String chain = requiredString(root, "model");
		refuseUnsupported(root);
		List<ToolDefinition> tools = tools(root.path("tools"));
		ChatRequest request = new ChatRequest(messages(root.path("messages")), null, maxTokens(root), temperature(root),
				responseFormat(root.path("response_format")), tools, toolChoice(root.path("tool_choice"), tools),
				stop(root.path("stop")), topP(root), seed(root));
		JsonSchemaFormat schema = jsonSchema(root.path("response_format"));
		if (schema != null) {
			request = request.withJsonSchema(schema);
		}
		boolean stream = bool(root, "stream");
		boolean includeUsage = root.path("stream_options").isObject()
				&& bool(root.path("stream_options"), "include_usage", "stream_options.include_usage");
		return new CompletionRequest(chain, request, stream, includeUsage);
	}

	private static void refuseUnsupported(JsonNode root) {
		JsonNode n = root.path("n");
		if (!n.isMissingNode() && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
			throw OpenAiApiException.invalid("n", "Only n=1 is supported: a chain serves one answer");
		}
		for (String legacy : List.of("functions", "function_call")) {
			if (isPresent(root.path(legacy))) {
				throw OpenAiApiException.invalid(legacy,
						"'" + legacy + "' is not supported by this endpoint: use 'tools' and 'tool_choice'");
			}
		}
	}

	/** {@code [{"type":"function","function":{name, description, parameters}}]}. */
	private static List<ToolDefinition> tools(JsonNode tools) {
		if (!isPresent(tools)) {
			return List.of();
		}
		if (!tools.isArray() || tools.size() > MAX_TOOLS) {
			throw OpenAiApiException.invalid("tools", "'tools' must be an array of at most " + MAX_TOOLS + " tools");
		}
		List<ToolDefinition> read = new ArrayList<>(tools.size());
		for (int i = 0; i < tools.size(); i++) {
			String param = "tools[" + i + "]";
			JsonNode tool = tools.get(i);
			if (!"function".equals(tool.path("type").asString(null)) || !tool.path("function").isObject()) {
				throw OpenAiApiException.invalid(param, "Each tool must be {\"type\":\"function\",\"function\":{...}}");
			}
			JsonNode function = tool.path("function");
			String name = toolName(function, param + ".function.name");
			JsonNode description = function.path("description");
			if (isPresent(description) && !description.isString()) {
				throw OpenAiApiException.invalid(param + ".function.description", "A description must be a string");
			}
			JsonNode parameters = function.path("parameters");
			if (isPresent(parameters) && !parameters.isObject()) {
				throw OpenAiApiException.invalid(param + ".function.parameters",
						"'parameters' must be a JSON Schema object");
			}
			read.add(new ToolDefinition(name, description.isString() ? description.asString() : "",
					parameters.isObject() ? parameters.toString() : NO_PARAMETERS));
		}
		return read;
	}

	/**
	 * {@code auto}, {@code none}, {@code required}, or
	 * {@code {"type":"function","function":{"name":...}}} naming one of the tools.
	 */
	private static @Nullable ToolChoice toolChoice(JsonNode choice, List<ToolDefinition> tools) {
		if (!isPresent(choice)) {
			return null;
		}
		ToolChoice read;
		if (choice.isString()) {
			read = switch (choice.asString()) {
				case "auto" -> ToolChoice.AUTO;
				case "none" -> ToolChoice.NONE;
				case "required" -> ToolChoice.REQUIRED;
				default -> throw OpenAiApiException.invalid("tool_choice",
						"'tool_choice' must be auto, none, required or a function to call");
			};
		}
		else if (choice.isObject() && "function".equals(choice.path("type").asString(null))) {
			read = ToolChoice.tool(toolName(choice.path("function"), "tool_choice.function.name"));
		}
		else {
			throw OpenAiApiException.invalid("tool_choice",
					"'tool_choice' must be auto, none, required or a function to call");
		}
		if (read.mode() != ToolChoice.Mode.NONE && tools.isEmpty()) {
			throw OpenAiApiException.invalid("tool_choice", "'tool_choice' needs 'tools'");
		}
		if (read.toolName() != null && tools.stream().noneMatch((tool) -> tool.name().equals(read.toolName()))) {
			throw OpenAiApiException.invalid("tool_choice.function.name",
					"'tool_choice' names a function that 'tools' does not define");
		}
		return read;
	}

	private static String toolName(JsonNode function, String param) {
		String name = requiredString(function, "name", param);
		try {
			// A provider refuses other names; none may reach the chain.
			return new ToolDefinition(name, "", NO_PARAMETERS).name();
		}
		catch (IllegalArgumentException ex) {
			throw OpenAiApiException.invalid(param,
					"A function name has 1 to 64 letters, digits, '_' or '-'; was '" + quote(name) + "'");
		}
	}

	private static List<ChatMessage> messages(JsonNode messages) {
		if (!messages.isArray() || messages.isEmpty()) {
			throw OpenAiApiException.invalid("messages", "'messages' must be a non-empty array");
		}
		List<ChatMessage> read = new ArrayList<>(messages.size());
		// The tool each earlier call named, by id: OpenAI's tool message names its call
		// only, the library's model (and Gemini) also its tool.
		Map<String, String> calledTools = new HashMap<>();
		for (int i = 0; i < messages.size(); i++) {
			JsonNode message = messages.get(i);
			String param = "messages[" + i + "]";
			if (!message.isObject()) {
				throw OpenAiApiException.invalid(param, "Each message must be an object");
			}
			ChatRole role = role(message, param);
			ChatMessage chatMessage = switch (role) {
				case TOOL -> toolResult(message, param, calledTools);
				case ASSISTANT -> assistant(message, param);
				case USER -> user(message.path("content"), param + ".content");
				case SYSTEM -> ChatMessage.system(content(message.path("content"), param + ".content"));
			};
			chatMessage.toolCalls().forEach((call) -> calledTools.put(call.id(), call.name()));
			read.add(chatMessage);
		}
		return read;
	}

	/** {@code {"role":"tool","tool_call_id":...,"content":...}}, after its call. */
	private static ChatMessage toolResult(JsonNode message, String param, Map<String, String> calledTools) {
		String id = requiredString(message, "tool_call_id", param + ".tool_call_id");
		String tool = calledTools.get(id);
		if (tool == null) {
			throw OpenAiApiException.invalid(param + ".tool_call_id",
					"'" + quote(id) + "' is the id of no tool call of an earlier assistant message");
		}
		return ChatMessage.toolResult(new ToolCall(id, tool, "{}"),
				content(message.path("content"), param + ".content"));
	}

	/**
	 * Text, tool calls ({@code [{"id","type":"function","function":{name, arguments}}]})
	 * or both; the content is null or absent beside tool calls.
	 */
	private static ChatMessage assistant(JsonNode message, String param) {
		JsonNode calls = message.path("tool_calls");
		if (!isPresent(calls)) {
			return ChatMessage.assistant(content(message.path("content"), param + ".content"));
		}
		if (!calls.isArray() || calls.isEmpty() || calls.size() > MAX_TOOL_CALLS) {
			throw OpenAiApiException.invalid(param + ".tool_calls",
					"'tool_calls' must be an array of 1 to " + MAX_TOOL_CALLS + " calls");
		}
		List<ToolCall> read = new ArrayList<>(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			String callParam = param + ".tool_calls[" + i + "]";
			JsonNode call = calls.get(i);
			JsonNode function = call.path("function");
			if (!function.isObject() || !function.path("arguments").isString()) {
				throw OpenAiApiException.invalid(callParam,
						"Each tool call must be {\"id\":...,\"type\":\"function\",\"function\":{\"name\":...,\"arguments\":\"...\"}}");
			}
			read.add(new ToolCall(requiredString(call, "id", callParam + ".id"),
					toolName(function, callParam + ".function.name"), function.path("arguments").asString()));
		}
		JsonNode content = message.path("content");
		return ChatMessage.assistant(isPresent(content) ? content(content, param + ".content") : "", read);
	}

	/** Text, or content parts of text and images. */
	private static ChatMessage user(JsonNode content, String param) {
		if (!content.isArray()) {
			return ChatMessage.user(content(content, param));
		}
		StringBuilder text = new StringBuilder();
		List<ImageInput> images = new ArrayList<>();
		for (int i = 0; i < content.size(); i++) {
			JsonNode part = content.get(i);
			String partParam = param + "[" + i + "]";
			if ("image_url".equals(part.path("type").asString(null))) {
				images.add(image(part.path("image_url").path("url"), partParam + ".image_url.url"));
			}
			else {
				appendText(text, part, partParam);
			}
		}
		return ChatMessage.user(text.toString(), images);
	}

	/**
	 * An {@code https} URL the provider fetches, or a
	 * {@code data:<media type>;base64,<data>} URL of a PNG, JPEG, GIF or WebP image.
	 */
	private static ImageInput image(JsonNode url, String param) {
		if (!url.isString()) {
			throw OpenAiApiException.invalid(param, "An image_url part needs a 'url' string");
		}
		String value = url.asString();
		try {
			if (!value.regionMatches(true, 0, "data:", 0, 5)) {
				return ImageInput.url(value);
			}
			int data = value.indexOf(";base64,");
			if (data < 0 || data + 8 == value.length()) {
				throw OpenAiApiException.invalid(param, "A data URL must be data:<media type>;base64,<data>");
			}
			return ImageInput.base64(value.substring(5, data).toLowerCase(Locale.ROOT), value.substring(data + 8));
		}
		catch (IllegalArgumentException ex) {
			throw OpenAiApiException.invalid(param, "An image must be an https URL or a base64 data URL of "
					+ "image/png, image/jpeg, image/gif or image/webp");
		}
	}

	private static ChatRole role(JsonNode message, String param) {
		String role = requiredString(message, "role", param + ".role");
		return switch (role) {
			// OpenAI's newer name for the system message of reasoning models.
			case "system", "developer" -> ChatRole.SYSTEM;
			case "user" -> ChatRole.USER;
			case "assistant" -> ChatRole.ASSISTANT;
			case "tool" -> ChatRole.TOOL;
			case "function" -> throw OpenAiApiException.invalid(param + ".role",
					"Function messages are not supported by this endpoint: use tool messages");
			default -> throw OpenAiApiException.invalid(param + ".role",
					"Invalid role '" + quote(role) + "'; supported: system, developer, user, assistant, tool");
		};
	}

	/**
	 * A string, or OpenAI's array of content parts of type {@code text}, joined by new
	 * lines.
	 */
	private static String content(JsonNode content, String param) {
		if (content.isString()) {
			return content.asString();
		}
		if (!content.isArray()) {
			throw OpenAiApiException.invalid(param, "Content must be a string or an array of text parts");
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < content.size(); i++) {
			appendText(text, content.get(i), param + "[" + i + "]");
		}
		return text.toString();
	}

	private static void appendText(StringBuilder text, JsonNode part, String param) {
		if (!"text".equals(part.path("type").asString(null)) || !part.path("text").isString()) {
			throw OpenAiApiException.invalid(param, "Content parts must be text ({\"type\":\"text\",\"text\":...})"
					+ " or, in a user message, images ({\"type\":\"image_url\",...})");
		}
		if (!text.isEmpty()) {
			text.append('\n');
		}
		text.append(part.path("text").asString());
	}

	/** A string or an array of at most four, none empty. */
	private static List<String> stop(JsonNode stop) {
		if (!isPresent(stop)) {
			return List.of();
		}
		List<String> read = new ArrayList<>();
		for (JsonNode sequence : stop.isArray() ? stop : List.of(stop)) {
			if (!sequence.isString() || sequence.asString().isEmpty() || read.size() == MAX_STOP_SEQUENCES) {
				throw OpenAiApiException.invalid("stop",
						"'stop' must be a string or an array of up to 4 non-empty strings");
			}
			read.add(sequence.asString());
		}
		return read;
	}

	private static @Nullable Double topP(JsonNode root) {
		JsonNode value = root.path("top_p");
		if (!isPresent(value)) {
			return null;
		}
		if (!value.isNumber() || !(value.asDouble() > 0 && value.asDouble() <= 1)) {
			throw OpenAiApiException.invalid("top_p", "'top_p' must be a number above 0 and at most 1");
		}
		return value.asDouble();
	}

	private static @Nullable Long seed(JsonNode root) {
		JsonNode value = root.path("seed");
		if (!isPresent(value)) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw OpenAiApiException.invalid("seed", "'seed' must be an integer");
		}
		return value.asLong();
	}

	private static boolean isPresent(JsonNode value) {
		return !value.isMissingNode() && !value.isNull();
	}

	/** {@code max_completion_tokens}, or the older {@code max_tokens} it replaces. */
	private static @Nullable Integer maxTokens(JsonNode root) {
		for (String param : List.of("max_completion_tokens", "max_tokens")) {
			JsonNode value = root.path(param);
			if (value.isMissingNode() || value.isNull()) {
				continue;
			}
			if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
				throw OpenAiApiException.invalid(param, "'" + param + "' must be a positive integer");
			}
			return value.asInt();
		}
		return null;
	}

	private static @Nullable Double temperature(JsonNode root) {
		JsonNode value = root.path("temperature");
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 2) {
			throw OpenAiApiException.invalid("temperature", "'temperature' must be a number from 0 to 2");
		}
		return value.asDouble();
	}

	/**
	 * {@code json_object} and {@code json_schema} both ask for JSON; a schema given with
	 * {@code json_schema} is read by {@link #jsonSchema}.
	 */
	private static ResponseFormat responseFormat(JsonNode format) {
		if (format.isMissingNode() || format.isNull()) {
			return ResponseFormat.TEXT;
		}
		String type = format.isObject() ? requiredString(format, "type", "response_format.type") : "";
		return switch (type) {
			case "text" -> ResponseFormat.TEXT;
			case "json_object", "json_schema" -> ResponseFormat.JSON;
			default -> throw OpenAiApiException.invalid("response_format.type",
					"'response_format.type' must be text, json_object or json_schema");
		};
	}

	/**
	 * The schema of {@code {"type":"json_schema","json_schema":{name, schema, strict}}},
	 * sent on to providers that constrain their answers to it (and skipping those that
	 * cannot); {@code null} for another format, or a {@code json_schema} without a
	 * {@code schema}, which asks for JSON alone.
	 */
	private static @Nullable JsonSchemaFormat jsonSchema(JsonNode format) {
		if (!format.isObject() || !"json_schema".equals(format.path("type").asString(""))) {
			return null;
		}
		JsonNode jsonSchema = format.path("json_schema");
		if (!jsonSchema.isObject()) {
			throw OpenAiApiException.invalid("response_format.json_schema",
					"'response_format.json_schema' must be an object");
		}
		String name = requiredString(jsonSchema, "name", "response_format.json_schema.name");
		JsonNode schema = jsonSchema.path("schema");
		if (schema.isMissingNode() || schema.isNull()) {
			return null;
		}
		if (!schema.isObject()) {
			throw OpenAiApiException.invalid("response_format.json_schema.schema",
					"'response_format.json_schema.schema' must be a JSON object");
		}
		boolean strict = bool(jsonSchema, "strict", "response_format.json_schema.strict");
		try {
			return new JsonSchemaFormat(name, schema.toString(), strict);
		}
		catch (IllegalArgumentException ex) {
			throw OpenAiApiException.invalid("response_format.json_schema.name", String.valueOf(ex.getMessage()));
		}
	}

	private static boolean bool(JsonNode node, String field) {
		return bool(node, field, field);
	}

	private static boolean bool(JsonNode node, String field, String param) {
		JsonNode value = node.path(field);
		if (value.isMissingNode() || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw OpenAiApiException.invalid(param, "'" + param + "' must be a boolean");
		}
		return value.asBoolean();
	}

	private static String requiredString(JsonNode node, String field) {
		return requiredString(node, field, field);
	}

	private static String requiredString(JsonNode node, String field, String param) {
		JsonNode value = node.path(field);
		if (!value.isString() || value.asString().isBlank()) {
			throw OpenAiApiException.invalid(param, "'" + param + "' must be a non-empty string");
		}
		return value.asString();
	}

	/** The start of a value the caller sent, short enough to echo in an error. */
	static String quote(String value) {
		return (value.length() <= QUOTED) ? value : value.substring(0, QUOTED) + "...";
	}

}
