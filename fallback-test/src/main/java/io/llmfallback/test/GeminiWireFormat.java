package io.llmfallback.test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Google Gemini: {@code POST /v1beta/models/{model}:generateContent}, and
 * {@code :streamGenerateContent?alt=sse} for server-sent events. Its stream has no
 * end-of-stream event of its own: its last chunk, the one with the finish reason and the
 * output tokens, is its terminator.
 */
final class GeminiWireFormat implements WireFormat {

	private static final String MODELS = "/v1beta/models/";

	// What the real API allows when a request names no cap.
	private static final long DEFAULT_MAX_TOKENS = 8192;

	@Override
	public WireProtocol protocol() {
		return WireProtocol.GEMINI;
	}

	@Override
	public String path() {
		return MODELS + "{model}";
	}

	@Override
	public Reply answer(String simulator, Answerer answerer, String uri, String requestBody) {
		int query = uri.indexOf('?');
		String path = (query < 0) ? uri : uri.substring(0, query);
		int colon = path.lastIndexOf(':');
		String method = (colon < 0) ? "" : path.substring(colon + 1);
		if (!path.startsWith(MODELS) || !(method.equals("generateContent") || method.equals("streamGenerateContent"))) {
			return error(404, "NOT_FOUND", "Method not found.");
		}
		boolean stream = method.equals("streamGenerateContent");
		if (stream && !uri.substring(query + 1).contains("alt=sse")) {
			// The real API then streams one JSON array; the starter reads server-sent
			// events only.
			return error(400, "INVALID_ARGUMENT",
					"The simulator streams Gemini as server-sent events only: add ?alt=sse");
		}
		String model = path.substring(MODELS.length(), colon);
		JsonNode request = WireFormat.parse(requestBody);
		if (!request.isObject()) {
			return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
		}
		JsonNode contents = request.path("contents");
		if (!contents.isArray() || contents.isEmpty()) {
			return error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified\n");
		}
		String system = WireFormat.text(request.path("systemInstruction").path("parts"));
		JsonNode config = request.path("generationConfig");
		boolean json = "application/json".equals(WireFormat.string(config, "responseMimeType"))
				|| WireFormat.asksForJson(system);
		ArrayNode declarations = JSON.createArrayNode();
		request.path("tools").forEach((tool) -> tool.path("functionDeclarations").forEach(declarations::add));
		JsonNode calling = request.path("toolConfig").path("functionCallingConfig");
		String mode = WireFormat.string(calling, "mode");
		Set<String> allowed = new HashSet<>();
		// The API reads the allowed names in modes ANY and VALIDATED only.
		if (mode.equals("ANY") || mode.equals("VALIDATED")) {
			calling.path("allowedFunctionNames").forEach((name) -> allowed.add(name.asString()));
		}
		Set<String> tools = WireFormat.offeredTools(declarations, "/name", mode.equals("NONE"), allowed);
		Completion completion = WireFormat.complete(answerer, system, contents, "parts",
				config.path("maxOutputTokens").asLong(DEFAULT_MAX_TOKENS), json, tools,
				toolResult(contents.get(contents.size() - 1)));
		String finishReason = completion.truncated() ? "MAX_TOKENS" : "STOP";
		if (!stream) {
			return new Reply(200, JSON.writeValueAsString(chunk(completion.text(), finishReason, completion, model)));
		}
		// Every chunk counts the prompt; only the last, with the finish reason, counts
		// the output too.
		return Reply.streaming(new EventStream(List.of(), EventStream.pieces(completion.text())
			.stream()
			.map((piece) -> EventStream.event(null, JSON.writeValueAsString(chunk(piece, null, completion, model))))
			.toList(), List.of(),
				EventStream.event(null, JSON.writeValueAsString(chunk("", finishReason, completion, model))),
				EventStream.event(null, error(503).body())));
	}

	/**
	 * The result a conversation ends with: the {@code response} of a
	 * {@code functionResponse} part of its last content, its {@code output} when it is a
	 * text, else the whole object as JSON; {@code null} when it ends otherwise.
	 */
	private static @Nullable String toolResult(JsonNode last) {
		for (JsonNode part : last.path("parts")) {
			JsonNode response = part.path("functionResponse").path("response");
			if (response.isObject()) {
				return response.path("output").isString() ? response.path("output").stringValue()
						: JSON.writeValueAsString(response);
			}
		}
		return null;
	}

	/**
	 * A response, or a chunk of one: with a finish reason, it is the last and counts the
	 * output tokens. A tool call comes whole in the last, as a {@code functionCall} part
	 * instead of the text.
	 */
	private static ObjectNode chunk(String text, @Nullable String finishReason, Completion completion, String model) {
		ObjectNode body = JSON.createObjectNode();
		ObjectNode candidate = body.putArray("candidates").addObject();
		ObjectNode part = candidate.putObject("content").put("role", "model").putArray("parts").addObject();
		Completion.ToolCall call = completion.toolCall();
		if (call != null) {
			part.putObject("functionCall").put("name", call.name()).set("args", call.arguments());
		}
		else {
			part.put("text", text);
		}
		if (finishReason != null) {
			candidate.put("finishReason", finishReason);
		}
		candidate.put("index", 0);
		ObjectNode usage = body.putObject("usageMetadata").put("promptTokenCount", completion.inputTokens());
		long output = (finishReason != null) ? completion.outputTokens() : 0;
		if (finishReason != null) {
			usage.put("candidatesTokenCount", output);
		}
		usage.put("totalTokenCount", completion.inputTokens() + output);
		body.put("modelVersion", model);
		return body;
	}

	@Override
	public Reply error(int status) {
		return switch (status) {
			// Google answers a bad key with a 400, not a 401.
			case 400, 401 -> new Reply(400, body(400, "INVALID_ARGUMENT",
					"API key not valid. Please pass a valid API key.", "API_KEY_INVALID"));
			case 403 -> error(status, "PERMISSION_DENIED", "The caller does not have permission");
			case 404 -> error(status, "NOT_FOUND", "models/unknown is not found for API version v1beta.");
			case 429 -> new Reply(status, body(status, "RESOURCE_EXHAUSTED",
					"You exceeded your current quota, please check your plan and billing details.", null));
			case 503 -> error(status, "UNAVAILABLE", "The model is overloaded. Please try again later.");
			case 504 -> error(status, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.");
			default -> (status >= 500) ? error(status, "INTERNAL", "An internal error has occurred.")
					: error(status, "INVALID_ARGUMENT", "Request contains an invalid argument.");
		};
	}

	@Override
	public Reply contextLengthExceeded() {
		return error(400, "INVALID_ARGUMENT",
				"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");
	}

	private static Reply error(int status, String code, String message) {
		return new Reply(status, body(status, code, message, null));
	}

	/**
	 * Google's error: its status name, and a reason, or for a 429 how long to wait, in
	 * {@code details}.
	 */
	private static String body(int status, String code, String message, @Nullable String reason) {
		ObjectNode body = JSON.createObjectNode();
		ObjectNode error = body.putObject("error").put("code", status).put("message", message).put("status", code);
		if (reason != null) {
			error.putArray("details")
				.addObject()
				.put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
				.put("reason", reason)
				.put("domain", "googleapis.com");
		}
		if (status == 429) {
			error.putArray("details")
				.addObject()
				.put("@type", "type.googleapis.com/google.rpc.RetryInfo")
				.put("retryDelay", RETRY_AFTER_SECONDS + "s");
		}
		return JSON.writeValueAsString(body);
	}

}
