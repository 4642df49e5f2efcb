package io.llmfallback.test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Anthropic messages: {@code POST /v1/messages}. */
final class AnthropicWireFormat implements WireFormat {

	private final AtomicLong ids = new AtomicLong();

	@Override
	public WireProtocol protocol() {
		return WireProtocol.ANTHROPIC;
	}

	@Override
	public String path() {
		return "/v1/messages";
	}

	@Override
	public Reply answer(String simulator, Answerer answerer, String uri, String requestBody) {
		JsonNode request = WireFormat.parse(requestBody);
		if (!request.isObject()) {
			return error(400, "invalid_request_error", "There was an issue with the JSON body of your request.");
		}
		String model = WireFormat.string(request, "model");
		JsonNode maxTokens = request.path("max_tokens");
		JsonNode messages = request.path("messages");
		if (model.isEmpty()) {
			return error(400, "invalid_request_error", "model: Field required");
		}
		// Unlike OpenAI, Anthropic has no default output cap: a request must name one.
		if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
			return error(400, "invalid_request_error", "max_tokens: Field required");
		}
		if (!messages.isArray() || messages.isEmpty()) {
			return error(400, "invalid_request_error", "messages: at least one message is required");
		}
		String system = WireFormat.text(request.path("system"));
		// Anthropic has no JSON mode: JSON is asked for in the system prompt.
		JsonNode choice = request.path("tool_choice");
		String choiceType = WireFormat.string(choice, "type");
		Set<String> tools = WireFormat.offeredTools(request.path("tools"), "/name", "none".equals(choiceType),
				"tool".equals(choiceType) ? Set.of(WireFormat.string(choice, "name")) : Set.of());
		Completion completion = WireFormat.complete(answerer, system, messages, "content", maxTokens.asLong(),
				WireFormat.asksForJson(system), tools, toolResult(messages.get(messages.size() - 1)));
		long number = this.ids.incrementAndGet();
		String id = "msg_" + simulator.replace('-', '_') + "_" + number;
		Completion.ToolCall call = completion.toolCall();
		@Nullable ObjectNode toolUse = null;
		if (call != null) {
			toolUse = JSON.createObjectNode()
				.put("type", "tool_use")
				.put("id", "toolu_" + simulator.replace('-', '_') + "_" + number)
				.put("name", call.name());
		}
		String stopReason = (call != null) ? "tool_use" : completion.truncated() ? "max_tokens" : "end_turn";
		ObjectNode body = JSON.createObjectNode();
		body.put("id", id);
		body.put("type", "message");
		body.put("role", "assistant");
		body.put("model", model);
		if (WireFormat.streams(request)) {
			return Reply.streaming(stream(body, completion, stopReason, toolUse));
		}
		if (call != null && toolUse != null) {
			body.putArray("content").add(toolUse.set("input", call.arguments()));
		}
		else {
			body.putArray("content").addObject().put("type", "text").put("text", completion.text());
		}
		body.put("stop_reason", stopReason);
		body.putNull("stop_sequence");
		body.putObject("usage")
			.put("input_tokens", completion.inputTokens())
			.put("output_tokens", completion.outputTokens());
		return new Reply(200, JSON.writeValueAsString(body));
	}

	/**
	 * The answer as the API streams it: {@code message_start} with the input tokens, a
	 * text content block opened, a {@code ping}, a {@code content_block_delta} per piece
	 * of text, the block closed, a {@code message_delta} with the stop reason and the
	 * output tokens, then {@code message_stop}. A tool call streams instead as a
	 * {@code tool_use} block opened with empty input, then {@code input_json_delta}s of
	 * its arguments.
	 */
	private static EventStream stream(ObjectNode message, Completion completion, String stopReason,
			@Nullable ObjectNode toolUse) {
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		// The real API counts the first output token at the start, and the total in
		// message_delta.
		message.putObject("usage").put("input_tokens", completion.inputTokens()).put("output_tokens", 1);
		ObjectNode start = JSON.createObjectNode().put("type", "message_start");
		start.set("message", message);
		ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
		if (toolUse != null) {
			ObjectNode block = toolUse.deepCopy();
			block.putObject("input");
			blockStart.set("content_block", block);
		}
		else {
			blockStart.putObject("content_block").put("type", "text").put("text", "");
		}
		ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
		delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
		delta.putObject("usage").put("output_tokens", completion.outputTokens());
		return new EventStream(
				List.of(event(start), event(blockStart), event(JSON.createObjectNode().put("type", "ping"))),
				deltas(completion),
				List.of(event(JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)), event(delta)),
				event(JSON.createObjectNode().put("type", "message_stop")),
				EventStream.event("error", body("overloaded_error", "Overloaded")));
	}

	/**
	 * The {@code content_block_delta}s: pieces of text, or fragments of a tool call's
	 * arguments.
	 */
	private static List<String> deltas(Completion completion) {
		Completion.ToolCall call = completion.toolCall();
		List<String> pieces = (call != null) ? EventStream.fragments(call.argumentsJson())
				: EventStream.pieces(completion.text());
		return pieces.stream().map((piece) -> {
			ObjectNode chunk = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
			if (call != null) {
				chunk.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
			}
			else {
				chunk.putObject("delta").put("type", "text_delta").put("text", piece);
			}
			return event(chunk);
		}).toList();
	}

	/**
	 * The result a conversation ends with: the content of a {@code tool_result} block in
	 * its last message, a text or text blocks; {@code null} when it ends otherwise.
	 */
	private static @Nullable String toolResult(JsonNode last) {
		for (JsonNode block : last.path("content")) {
			if ("tool_result".equals(WireFormat.string(block, "type"))) {
				return WireFormat.text(block.path("content"));
			}
		}
		return null;
	}

	/** An event named by its data's {@code type}, as every event of the API is. */
	private static String event(ObjectNode data) {
		return EventStream.event(data.path("type").stringValue(), JSON.writeValueAsString(data));
	}

	@Override
	public Reply error(int status) {
		return switch (status) {
			case 401 -> error(status, "authentication_error", "invalid x-api-key");
			case 403 -> error(status, "permission_error",
					"Your API key does not have permission to use the specified resource.");
			case 404 -> error(status, "not_found_error", "Not found");
			case 413 -> error(status, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
			case 429 -> new Reply(status,
					body("rate_limit_error", "Number of requests has exceeded your per-minute rate limit."),
					Map.of("retry-after", RETRY_AFTER_SECONDS));
			// 529 is Anthropic's own status for an overloaded API; a 503 in front of it
			// says the same.
			case 503, 529 -> error(status, "overloaded_error", "Overloaded");
			case 504 -> error(status, "timeout_error", "Request timed out");
			default -> (status >= 500) ? error(status, "api_error", "Internal server error")
					: error(status, "invalid_request_error", "Invalid request");
		};
	}

	@Override
	public Reply contextLengthExceeded() {
		return error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum");
	}

	private static Reply error(int status, String type, String message) {
		return new Reply(status, body(type, message));
	}

	private static String body(String type, String message) {
		ObjectNode body = JSON.createObjectNode();
		body.put("type", "error");
		body.putObject("error").put("type", type).put("message", message);
		return JSON.writeValueAsString(body);
	}

}
