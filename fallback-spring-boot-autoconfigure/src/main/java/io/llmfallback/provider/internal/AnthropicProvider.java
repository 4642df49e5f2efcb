package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Anthropic messages ({@code POST /v1/messages}, {@code x-api-key},
 * {@code anthropic-version}).
 */
public final class AnthropicProvider extends HttpLlmProvider {

	/** The API version the request and response shapes here follow. */
	static final String API_VERSION = "2023-06-01";

	public AnthropicProvider(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		super(settings, webClientBuilder, responseBudget);
	}

	@Override
	protected void authenticate(HttpHeaders headers, String apiKey) {
		headers.set("x-api-key", apiKey);
	}

	// Required on every request, also through a keyless gateway; a configured value wins.
	@Override
	protected void protocolHeaders(HttpHeaders headers) {
		if (!headers.containsHeader("anthropic-version")) {
			headers.set("anthropic-version", API_VERSION);
		}
	}

	@Override
	protected String path(String model) {
		return "/v1/messages";
	}

	/**
	 * The messages request. Anthropic's roles alternate: tool results are user turns, and
	 * consecutive turns of one role (the results of parallel calls, a user message after
	 * them, a prefill after an assistant message) go into one message, its content blocks
	 * in order. A request's {@code seed} is not sent: the API has none.
	 */
	@Override
	protected ObjectNode requestBody(ChatRequest request, String model, int maxTokens) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", model);
		body.put("max_tokens", maxTokens);
		String system = request.systemText();
		// Anthropic has no JSON mode: the instruction goes into the system prompt, with
		// the schema the answer must match when there is one (the structured-outputs beta
		// is not sent, so a Claude model is one without JSON Schema output unless its
		// capabilities say otherwise).
		if (request.responseFormat() == ResponseFormat.JSON) {
			String instruction = jsonInstruction(request.jsonSchema());
			system = (system != null) ? system + "\n\n" + instruction : instruction;
		}
		if (system != null) {
			body.put("system", system);
		}
		messages(body.putArray("messages"), request.conversation());
		if (request.temperature() != null) {
			body.put("temperature", request.temperature());
		}
		// Claude models since Sonnet 4.5 refuse temperature and top_p together with a
		// 400; a fallback serves requests written for other providers, so temperature,
		// the setting Anthropic recommends, is kept.
		else if (request.topP() != null) {
			body.put("top_p", request.topP());
		}
		if (!request.stop().isEmpty()) {
			ArrayNode stop = body.putArray("stop_sequences");
			request.stop().forEach(stop::add);
		}
		tools(body, request);
		return body;
	}

	private void messages(ArrayNode messages, List<ChatMessage> conversation) {
		String role = "";
		ArrayNode blocks = JSON.createArrayNode();
		for (ChatMessage message : conversation) {
			String next = (message.role() == ChatRole.ASSISTANT) ? "assistant" : "user";
			if (!next.equals(role)) {
				if (!role.isEmpty()) {
					addMessage(messages, role, blocks);
				}
				role = next;
				blocks = JSON.createArrayNode();
			}
			contentBlocks(message, blocks);
		}
		if (!role.isEmpty()) {
			addMessage(messages, role, blocks);
		}
	}

	/**
	 * A message of one text block goes as a plain string, as it always has; one of none
	 * as an empty one.
	 */
	private static void addMessage(ArrayNode messages, String role, ArrayNode blocks) {
		ObjectNode message = messages.addObject().put("role", role);
		if (blocks.isEmpty()) {
			message.put("content", "");
		}
		else if (blocks.size() == 1 && text(blocks.get(0), "type").equals("text")) {
			message.set("content", blocks.get(0).get("text"));
		}
		else {
			message.set("content", blocks);
		}
	}

	/**
	 * The message's content blocks: a tool result, or the text (Anthropic refuses an
	 * empty text block) followed by the images or the tool calls.
	 */
	private void contentBlocks(ChatMessage message, ArrayNode blocks) {
		if (message.role() == ChatRole.TOOL) {
			ObjectNode result = blocks.addObject().put("type", "tool_result").put("tool_use_id", message.toolCallId());
			if (!message.content().isEmpty()) {
				result.put("content", message.content());
			}
			return;
		}
		if (!message.content().isEmpty()) {
			blocks.addObject().put("type", "text").put("text", message.content());
		}
		for (ImageInput image : message.images()) {
			ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
			if (image.isUrl()) {
				source.put("type", "url").put("url", image.url());
			}
			else {
				source.put("type", "base64").put("media_type", image.mediaType()).put("data", image.base64Data());
			}
		}
		for (ToolCall call : message.toolCalls()) {
			blocks.addObject()
				.put("type", "tool_use")
				.put("id", call.id())
				.put("name", call.name())
				.set("input", jsonObject(call.arguments().isBlank() ? "{}" : call.arguments(),
						"the arguments of tool call '" + call.id() + "'"));
		}
	}

	private void tools(ObjectNode body, ChatRequest request) {
		if (!request.tools().isEmpty()) {
			ArrayNode tools = body.putArray("tools");
			for (ToolDefinition tool : request.tools()) {
				ObjectNode definition = tools.addObject().put("name", tool.name());
				if (!tool.description().isEmpty()) {
					definition.put("description", tool.description());
				}
				definition.set("input_schema",
						jsonObject(tool.parameters(), "the parameters of tool '" + tool.name() + "'"));
			}
		}
		ToolChoice choice = request.toolChoice();
		// A tool choice without tools is refused; with none, no tool is called anyway.
		if (choice != null && !request.tools().isEmpty()) {
			ObjectNode toolChoice = body.putObject("tool_choice");
			switch (choice.mode()) {
				case AUTO -> toolChoice.put("type", "auto");
				case NONE -> toolChoice.put("type", "none");
				case REQUIRED -> toolChoice.put("type", "any");
				case TOOL -> toolChoice.put("type", "tool").put("name", choice.toolName());
			}
		}
	}

	private String jsonInstruction(@Nullable JsonSchemaFormat schema) {
		if (schema == null) {
			return JSON_INSTRUCTION;
		}
		ObjectNode parsed = jsonObject(schema.schema(), "the JSON schema '" + schema.name() + "'");
		return JSON_INSTRUCTION + " It must match this JSON Schema:\n" + JSON.writeValueAsString(parsed);
	}

	/**
	 * Text blocks make the text, {@code tool_use} blocks the tool calls (their
	 * {@code input} object as the arguments); thinking blocks are not output.
	 */
	@Override
	protected ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency) {
		String stopReason = text(body, "stop_reason");
		rejectRefusal(stopReason);
		JsonNode content = body.path("content");
		if (!content.isArray()) {
			throw ProviderException.invalidResponse(name(), "response has no content array");
		}
		StringBuilder text = new StringBuilder();
		ToolCallAssembler toolCalls = new ToolCallAssembler(name());
		for (JsonNode block : content) {
			switch (text(block, "type")) {
				case "text" -> text.append(text(block, "text"));
				case "tool_use" -> {
					JsonNode input = block.path("input");
					if (!input.isObject()) {
						throw ProviderException.invalidResponse(name(), "tool_use block has no input object");
					}
					toolCalls.add(text(block, "id"), text(block, "name"), JSON.writeValueAsString(input));
				}
				default -> {
					// thinking, redacted_thinking, and types added later
				}
			}
		}
		String model = text(body, "model");
		return answer(text.toString(), toolCalls.calls(), stopReason.isEmpty() ? null : stopReason,
				usage(body).consistent(), model.isEmpty() ? requestedModel : model, latency);
	}

	private void rejectRefusal(String stopReason) {
		if (stopReason.equals("refusal")) {
			throw new ProviderException(name(), FailureCategory.CONTENT_FILTERED, 200, null,
					"the model refused to answer", null);
		}
	}

	/**
	 * The messages stream: {@code message_start} (the model, and the input usage),
	 * {@code content_block_start} (a {@code tool_use} block starts a tool call: its
	 * index, id and name), {@code content_block_delta} (text in a {@code text_delta}, a
	 * fragment of a call's arguments in an {@code input_json_delta}; thinking is not
	 * output), {@code message_delta} (the stop reason, and the output usage),
	 * {@code message_stop} to end it; {@code ping} and {@code content_block_stop} say
	 * nothing an answer needs, and an {@code error} event fails it.
	 */
	@Override
	protected String decode(StreamEvent event, StreamState state) {
		JsonNode data = eventJson(event);
		switch (text(data, "type")) {
			case "message_start" -> {
				JsonNode message = data.path("message");
				if (!message.isObject()) {
					throw ProviderException.invalidResponse(name(), "message_start has no message");
				}
				state.model(text(message, "model"));
				state.usage(message, "usage");
			}
			case "content_block_start" -> {
				JsonNode block = data.path("content_block");
				if (text(block, "type").equals("tool_use")) {
					state.toolCalls().begin(index(data), text(block, "id"), text(block, "name"));
				}
			}
			case "content_block_delta" -> {
				JsonNode delta = data.path("delta");
				if (!delta.isObject()) {
					throw ProviderException.invalidResponse(name(), "content_block_delta has no delta");
				}
				switch (text(delta, "type")) {
					case "text_delta" -> {
						return text(delta, "text");
					}
					case "input_json_delta" ->
						state.toolCalls().appendArguments(index(data), text(delta, "partial_json"));
					default -> {
						// thinking_delta, signature_delta, and types added later
					}
				}
			}
			case "message_delta" -> {
				String stopReason = text(data.path("delta"), "stop_reason");
				rejectRefusal(stopReason);
				state.finishReason(stopReason);
				state.usage(data, "usage");
			}
			case "message_stop" -> state.terminate();
			case "" -> throw ProviderException.invalidResponse(name(), "stream event has no type");
			default -> {
				// ping, content_block_stop, and types added later
			}
		}
		return "";
	}

	/** The index of the content block a stream event is about. */
	private int index(JsonNode event) {
		JsonNode index = event.path("index");
		if (!index.isInt()) {
			throw ProviderException.invalidResponse(name(), text(event, "type") + " has no index");
		}
		return index.intValue();
	}

	@Override
	protected int streamErrorStatus(JsonNode body, ProviderError error) {
		return statusOf(error.type());
	}

	/**
	 * The status of each error type, as Anthropic's errors reference pairs them: what an
	 * error event inside a 200 stream stands for.
	 */
	public static int statusOf(String errorType) {
		return switch (errorType) {
			case "invalid_request_error" -> 400;
			case "authentication_error" -> 401;
			case "permission_error" -> 403;
			case "not_found_error" -> 404;
			case "request_too_large" -> 413;
			case "rate_limit_error" -> 429;
			case "timeout_error" -> 504;
			case "overloaded_error" -> 529;
			default -> 500;
		};
	}

	/**
	 * Anthropic counts the prompt in three disjoint parts: {@code input_tokens} (after
	 * the last cache breakpoint), {@code cache_creation_input_tokens} (written to the
	 * cache) and {@code cache_read_input_tokens} (served from it). The prompt is their
	 * sum; only the reads are cached.
	 */
	@Override
	protected TokenUsage.Reported usage(JsonNode body) {
		JsonNode usage = body.path("usage");
		long cacheRead = count(usage, "cache_read_input_tokens");
		return new TokenUsage.Reported(
				List.of(count(usage, "input_tokens"), count(usage, "cache_creation_input_tokens"), cacheRead),
				List.of(count(usage, "output_tokens")), cacheRead);
	}

	@Override
	protected ProviderError parseError(JsonNode body) {
		JsonNode error = body.path("error");
		return error.isObject() ? new ProviderError(text(error, "type"), text(error, "message")) : ProviderError.NONE;
	}

	@Override
	protected FailureCategory categorize(int status, ProviderError error) {
		String message = error.message().toLowerCase(Locale.ROOT);
		if (status == 400 && (message.contains("prompt is too long") || message.contains("context limit")
				|| message.contains("context window"))) {
			return FailureCategory.CONTEXT_LENGTH;
		}
		if (error.type().equals("overloaded_error")) {
			return FailureCategory.OVERLOADED;
		}
		return categorizeByStatus(status);
	}

}
