package io.llmfallback.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI chat completions: {@code POST /v1/chat/completions}. */
final class OpenAiWireFormat implements WireFormat {

	// What the real API assumes when a request names no cap: far more than any echo
	// needs.
	private static final long DEFAULT_MAX_TOKENS = 4096;

	private static final Set<String> JSON_MODES = Set.of("json_object", "json_schema");

	private final AtomicLong ids = new AtomicLong();

	@Override
	public WireProtocol protocol() {
		return WireProtocol.OPENAI;
	}

	@Override
	public String path() {
		return "/v1/chat/completions";
	}

	@Override
	public Reply answer(String simulator, Answerer answerer, String uri, String requestBody) {
		JsonNode request = WireFormat.parse(requestBody);
		if (!request.isObject()) {
			return error(400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
		}
		String model = WireFormat.string(request, "model");
		JsonNode messages = request.path("messages");
		if (model.isEmpty()) {
			return error(400, "you must provide a model parameter", "invalid_request_error", null);
		}
		if (!messages.isArray() || messages.isEmpty()) {
			return error(400, "[] is too short - 'messages'", "invalid_request_error", null);
		}
		List<String> input = new ArrayList<>();
		String prompt = "";
		// JSON mode (json_object, or json_schema, whose schema the simulator does not
		// follow) or a system prompt.
		boolean json = JSON_MODES.contains(WireFormat.string(request.path("response_format"), "type"));
		for (JsonNode message : messages) {
			String text = WireFormat.text(message.path("content"));
			input.add(text);
			String role = WireFormat.string(message, "role");
			if ("user".equals(role)) {
				prompt = text;
			}
			json |= "system".equals(role) && WireFormat.asksForJson(text);
		}
		// Newer clients send max_completion_tokens, older ones max_tokens.
		long maxTokens = request.path("max_completion_tokens")
			.asLong(request.path("max_tokens").asLong(DEFAULT_MAX_TOKENS));
		JsonNode last = messages.get(messages.size() - 1);
		String toolResult = "tool".equals(WireFormat.string(last, "role")) ? WireFormat.text(last.path("content"))
				: null;
		JsonNode forced = request.at("/tool_choice/function/name");
		Set<String> tools = WireFormat.offeredTools(request.path("tools"), "/function/name",
				"none".equals(WireFormat.string(request, "tool_choice")),
				forced.isString() ? Set.of(forced.stringValue()) : Set.of());
		Completion completion = WireFormat.answer(answerer, prompt, input, maxTokens, json, tools, toolResult);
		Completion.ToolCall call = completion.toolCall();

		long number = this.ids.incrementAndGet();
		String id = "chatcmpl-" + simulator + "-" + number;
		String callId = "call_" + simulator.replace('-', '_') + "_" + number;
		long created = Instant.now().getEpochSecond();
		String finishReason = (call != null) ? "tool_calls" : completion.truncated() ? "length" : "stop";
		if (WireFormat.streams(request)) {
			return Reply.streaming(stream(id, created, model, completion, finishReason,
					request.path("stream_options").path("include_usage").asBoolean(false), callId));
		}
		ObjectNode body = head(id, "chat.completion", created, model);
		ObjectNode choice = body.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message").put("role", "assistant");
		if (call != null) {
			// A message of tool calls alone has no content.
			message.putNull("content");
			toolCall(message.putArray("tool_calls").addObject(), callId, call.name(), call.argumentsJson());
		}
		else {
			message.put("content", completion.text());
		}
		message.putNull("refusal");
		choice.put("finish_reason", finishReason);
		usage(body.putObject("usage"), completion);
		return new Reply(200, JSON.writeValueAsString(body));
	}

	/**
	 * The answer as the API streams it: a first chunk with the role, a chunk per piece of
	 * text, a chunk with the finish reason, one with the usage when asked for, then
	 * {@code [DONE]}. With usage asked for, every other chunk says {@code "usage":null},
	 * as the real API's do. A tool call streams instead as a chunk with its index, id and
	 * name, then chunks of its arguments under the same index.
	 */
	private EventStream stream(String id, long created, String model, Completion completion, String finishReason,
			boolean includeUsage, String callId) {
		Function<ObjectNode, String> chunk = (delta) -> {
			ObjectNode body = head(id, "chat.completion.chunk", created, model);
			ObjectNode choice = body.putArray("choices").addObject();
			choice.put("index", 0);
			choice.set("delta", delta);
			choice.putNull("logprobs");
			if (delta.isEmpty()) {
				choice.put("finish_reason", finishReason);
			}
			else {
				choice.putNull("finish_reason");
			}
			if (includeUsage) {
				body.putNull("usage");
			}
			return EventStream.event(null, JSON.writeValueAsString(body));
		};
		List<String> closing = new ArrayList<>();
		closing.add(chunk.apply(JSON.createObjectNode()));
		if (includeUsage) {
			ObjectNode body = head(id, "chat.completion.chunk", created, model);
			body.putArray("choices");
			usage(body.putObject("usage"), completion);
			closing.add(EventStream.event(null, JSON.writeValueAsString(body)));
		}
		Completion.ToolCall call = completion.toolCall();
		ObjectNode role = JSON.createObjectNode().put("role", "assistant");
		List<String> chunks;
		if (call != null) {
			role.putNull("content");
			chunks = new ArrayList<>();
			ObjectNode named = JSON.createObjectNode();
			toolCall(named.putArray("tool_calls").addObject().put("index", 0), callId, call.name(), "");
			chunks.add(chunk.apply(named));
			for (String fragment : EventStream.fragments(call.argumentsJson())) {
				ObjectNode delta = JSON.createObjectNode();
				delta.putArray("tool_calls")
					.addObject()
					.put("index", 0)
					.putObject("function")
					.put("arguments", fragment);
				chunks.add(chunk.apply(delta));
			}
		}
		else {
			role.put("content", "");
			chunks = EventStream.pieces(completion.text())
				.stream()
				.map((piece) -> chunk.apply(JSON.createObjectNode().put("content", piece)))
				.toList();
		}
		return new EventStream(List.of(chunk.apply(role.putNull("refusal"))), chunks, closing,
				EventStream.event(null, "[DONE]"), EventStream.event(null, error(500).body()));
	}

	/**
	 * A tool call:
	 * {@code {"id":..,"type":"function","function":{"name":..,"arguments":..}}}.
	 */
	private static void toolCall(ObjectNode call, String id, String name, String arguments) {
		call.put("id", id).put("type", "function").putObject("function").put("name", name).put("arguments", arguments);
	}

	private static ObjectNode head(String id, String object, long created, String model) {
		ObjectNode body = JSON.createObjectNode();
		body.put("id", id);
		body.put("object", object);
		body.put("created", created);
		body.put("model", model);
		return body;
	}

	private static void usage(ObjectNode usage, Completion completion) {
		usage.put("prompt_tokens", completion.inputTokens())
			.put("completion_tokens", completion.outputTokens())
			.put("total_tokens", completion.inputTokens() + completion.outputTokens());
	}

	@Override
	public Reply error(int status) {
		return switch (status) {
			case 401 -> error(status,
					"Incorrect API key provided: sk-sim****. You can find your API key at "
							+ "https://platform.openai.com/account/api-keys.",
					"invalid_request_error", "invalid_api_key");
			case 404 -> error(status, "The model does not exist or you do not have access to it.",
					"invalid_request_error", "model_not_found");
			case 429 -> withRetryAfter(
					error(status,
							"Rate limit reached for requests per min (RPM): Limit 500, "
									+ "Used 500, Requested 1. Please try again in 1s.",
							"requests", "rate_limit_exceeded"));
			case 503 -> error(status, "The server is overloaded or not ready yet.", "server_error", null);
			default ->
				(status >= 500)
						? error(status, "The server had an error while processing your request. Sorry about that!",
								"server_error", null)
						: error(status, "Invalid request.", "invalid_request_error", null);
		};
	}

	@Override
	public Reply contextLengthExceeded() {
		return error(400,
				"This model's maximum context length is 128000 tokens. However, your messages resulted in "
						+ "131442 tokens. Please reduce the length of the messages.",
				"invalid_request_error", "context_length_exceeded");
	}

	private static Reply error(int status, String message, String type, @Nullable String code) {
		ObjectNode body = JSON.createObjectNode();
		ObjectNode error = body.putObject("error").put("message", message).put("type", type).putNull("param");
		if (code != null) {
			error.put("code", code);
		}
		else {
			error.putNull("code");
		}
		return new Reply(status, JSON.writeValueAsString(body));
	}

	private static Reply withRetryAfter(Reply reply) {
		return new Reply(reply.status(), reply.body(), Map.of("retry-after", RETRY_AFTER_SECONDS));
	}

}
