package io.llmfallback.openaiapi.internal;

import java.util.ArrayList;
import java.util.List;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ResponseFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat completion request in OpenAI's format, read onto a {@link ChatRequest} for the
 * chain its {@code model} names. What the chain cannot do as asked (tools, several
 * choices, images) is refused with a 400 naming the parameter rather than answered as if
 * it had been done; parameters that only tune sampling ({@code top_p}, {@code stop},
 * {@code seed}...) are accepted and not sent on.
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
		ChatRequest request = new ChatRequest(messages(root.path("messages")), null, maxTokens(root), temperature(root),
				responseFormat(root.path("response_format")));
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
		for (String tools : List.of("tools", "functions")) {
			JsonNode declared = root.path(tools);
			if (!declared.isMissingNode() && !declared.isNull() && !declared.isEmpty()) {
				throw OpenAiApiException.invalid(tools, "Tool calls are not supported by this endpoint");
			}
		}
	}

	private static List<ChatMessage> messages(JsonNode messages) {
		if (!messages.isArray() || messages.isEmpty()) {
			throw OpenAiApiException.invalid("messages", "'messages' must be a non-empty array");
		}
		List<ChatMessage> read = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			JsonNode message = messages.get(i);
			String param = "messages[" + i + "]";
			if (!message.isObject()) {
				throw OpenAiApiException.invalid(param, "Each message must be an object");
			}
			read.add(new ChatMessage(role(message, param), content(message.path("content"), param + ".content")));
		}
		return read;
	}

	private static ChatRole role(JsonNode message, String param) {
		String role = requiredString(message, "role", param + ".role");
		return switch (role) {
			// OpenAI's newer name for the system message of reasoning models.
			case "system", "developer" -> ChatRole.SYSTEM;
			case "user" -> ChatRole.USER;
			case "assistant" -> ChatRole.ASSISTANT;
			case "tool", "function" ->
				throw OpenAiApiException.invalid(param + ".role", "Tool messages are not supported by this endpoint");
			default -> throw OpenAiApiException.invalid(param + ".role",
					"Invalid role '" + quote(role) + "'; supported: system, developer, user, assistant");
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
			JsonNode part = content.get(i);
			String partParam = param + "[" + i + "]";
			if (!"text".equals(part.path("type").asString(null)) || !part.path("text").isString()) {
				throw OpenAiApiException.invalid(partParam,
						"Only text content parts ({\"type\":\"text\",\"text\":...}) are supported");
			}
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append(part.path("text").asString());
		}
		return text.toString();
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
	 * {@code json_object} and {@code json_schema} both ask for JSON; the schema itself is
	 * not sent on: a chain checks its answers against its own output contract.
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
