package io.llmfallback.sample.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Anthropic messages: {@code POST /v1/messages}. */
final class AnthropicWireFormat implements WireFormat {

	private final AtomicLong ids = new AtomicLong();

	@Override
	public String protocol() {
		return "anthropic";
	}

	@Override
	public String path() {
		return "/v1/messages";
	}

	@Override
	public Reply answer(String simulator, int echoPercent, String requestBody) {
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
		List<String> input = new ArrayList<>();
		input.add(system);
		String prompt = "";
		for (JsonNode message : messages) {
			String text = WireFormat.text(message.path("content"));
			input.add(text);
			if ("user".equals(WireFormat.string(message, "role"))) {
				prompt = text;
			}
		}
		// Anthropic has no JSON mode: JSON is asked for in the system prompt.
		Completion completion = WireFormat.asksForJson(system)
				? Completion.json(prompt, input, maxTokens.asLong(), echoPercent)
				: Completion.of(simulator, prompt, input, maxTokens.asLong(), echoPercent);

		ObjectNode body = JSON.createObjectNode();
		body.put("id", "msg_" + simulator.replace('-', '_') + "_" + this.ids.incrementAndGet());
		body.put("type", "message");
		body.put("role", "assistant");
		body.put("model", model);
		body.putArray("content").addObject().put("type", "text").put("text", completion.text());
		body.put("stop_reason", completion.truncated() ? "max_tokens" : "end_turn");
		body.putNull("stop_sequence");
		body.putObject("usage")
			.put("input_tokens", completion.inputTokens())
			.put("output_tokens", completion.outputTokens());
		return new Reply(200, JSON.writeValueAsString(body));
	}

	@Override
	public Reply error(int status) {
		return switch (status) {
			case 401 -> error(status, "authentication_error", "invalid x-api-key");
			case 403 -> error(status, "permission_error",
					"Your API key does not have permission to use the specified resource.");
			case 404 -> error(status, "not_found_error", "Not found");
			case 413 -> error(status, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
			case 429 -> new Reply(status, body("rate_limit_error",
					"Number of requests has exceeded your per-minute rate limit."),
					Map.of("retry-after", RETRY_AFTER_SECONDS));
			// 529 is Anthropic's own status for an overloaded API; a 503 in front of it says the same.
			case 503, 529 -> error(status, "overloaded_error", "Overloaded");
			case 504 -> error(status, "timeout_error", "Request timed out");
			default -> (status >= 500) ? error(status, "api_error", "Internal server error")
					: error(status, "invalid_request_error", "Invalid request");
		};
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
