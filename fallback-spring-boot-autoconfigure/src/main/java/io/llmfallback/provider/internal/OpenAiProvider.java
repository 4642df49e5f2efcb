package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * OpenAI chat completions ({@code POST /v1/chat/completions}, bearer token). Also serves
 * every API that speaks the same protocol: Azure OpenAI's v1 API, OpenRouter, Ollama,
 * vLLM, Groq.
 */
public final class OpenAiProvider extends HttpLlmProvider {

	// o1, o1-mini, o3-mini, o4-mini, gpt-5, gpt-5-mini..., also as Azure deployments'
	// "openai/" ids.
	private static final Pattern REASONING_MODEL = Pattern.compile("(openai/)?(o\\d|gpt-5)\\b");

	public OpenAiProvider(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		super(settings, webClientBuilder, responseBudget);
	}

	/**
	 * Whether the model is one of OpenAI's reasoning models (o1, o3, o4-mini, gpt-5...),
	 * which refuse {@code max_tokens} and any {@code temperature} with a 400, and take
	 * {@code max_completion_tokens}. Every other chat model, and every OpenAI-compatible
	 * server, takes {@code max_tokens}, so that stays the default.
	 */
	static boolean isReasoningModel(String model) {
		return REASONING_MODEL.matcher(model).lookingAt();
	}

	@Override
	protected void authenticate(HttpHeaders headers, String apiKey) {
		headers.setBearerAuth(apiKey);
	}

	@Override
	protected String path(String model) {
		return "/v1/chat/completions";
	}

	@Override
	protected ObjectNode requestBody(ChatRequest request, String model, int maxTokens) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", model);
		ArrayNode messages = body.putArray("messages");
		JsonSchemaFormat schema = request.jsonSchema();
		boolean json = request.responseFormat() == ResponseFormat.JSON;
		// JSON mode is refused with a 400 unless some message says "JSON"; a fallback's
		// request was often written for another provider, so the instruction is added
		// rather than left to the caller. A JSON Schema needs no such word.
		if (json && schema == null
				&& request.messages()
					.stream()
					.noneMatch((message) -> message.content().toLowerCase(Locale.ROOT).contains("json"))) {
			messages.addObject().put("role", "system").put("content", JSON_INSTRUCTION);
		}
		for (ChatMessage message : request.messages()) {
			message(messages.addObject(), message);
		}
		boolean reasoning = isReasoningModel(model);
		body.put(reasoning ? "max_completion_tokens" : "max_tokens", maxTokens);
		// Reasoning models refuse any temperature or top_p but their own with a 400; a
		// fallback of that kind serves requests written for another model, so the
		// settings are left out rather than failing them.
		if (request.temperature() != null && !reasoning) {
			body.put("temperature", request.temperature());
		}
		if (request.topP() != null && !reasoning) {
			body.put("top_p", request.topP());
		}
		if (!request.stop().isEmpty()) {
			ArrayNode stop = body.putArray("stop");
			request.stop().forEach(stop::add);
		}
		if (request.seed() != null) {
			body.put("seed", request.seed());
		}
		if (schema != null) {
			body.putObject("response_format")
				.put("type", "json_schema")
				.putObject("json_schema")
				.put("name", schema.name())
				.put("strict", schema.strict())
				.set("schema", jsonObject(schema.schema(), "the JSON schema '" + schema.name() + "'"));
		}
		else if (json) {
			body.putObject("response_format").put("type", "json_object");
		}
		tools(body, request);
		return body;
	}

	/**
	 * One message: an assistant's tool calls with its text or a null content, a tool's
	 * result naming its call, a user's images as content parts after its text.
	 */
	private static void message(ObjectNode wire, ChatMessage message) {
		wire.put("role", message.role().name().toLowerCase(Locale.ROOT));
		if (message.role() == ChatRole.TOOL) {
			wire.put("tool_call_id", message.toolCallId()).put("content", message.content());
		}
		else if (!message.toolCalls().isEmpty()) {
			// OpenAI takes a null content, not an empty one, beside tool calls.
			if (message.content().isEmpty()) {
				wire.putNull("content");
			}
			else {
				wire.put("content", message.content());
			}
			ArrayNode calls = wire.putArray("tool_calls");
			for (ToolCall call : message.toolCalls()) {
				calls.addObject()
					.put("id", call.id())
					.put("type", "function")
					.putObject("function")
					.put("name", call.name())
					.put("arguments", call.arguments());
			}
		}
		else if (!message.images().isEmpty()) {
			ArrayNode parts = wire.putArray("content");
			if (!message.content().isEmpty()) {
				parts.addObject().put("type", "text").put("text", message.content());
			}
			for (ImageInput image : message.images()) {
				String url = image.isUrl() ? image.url()
						: "data:" + image.mediaType() + ";base64," + image.base64Data();
				parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
			}
		}
		else {
			wire.put("content", message.content());
		}
	}

	/**
	 * The tools as functions, each with its JSON Schema as an object: one whose
	 * parameters are not a JSON object would be refused with a 400, so it fails here,
	 * before the request is sent.
	 */
	private void tools(ObjectNode body, ChatRequest request) {
		if (!request.tools().isEmpty()) {
			ArrayNode tools = body.putArray("tools");
			for (ToolDefinition tool : request.tools()) {
				tools.addObject()
					.put("type", "function")
					.putObject("function")
					.put("name", tool.name())
					.put("description", tool.description())
					.set("parameters", jsonObject(tool.parameters(), "the parameters of tool '" + tool.name() + "'"));
			}
		}
		ToolChoice choice = request.toolChoice();
		if (choice != null) {
			switch (choice.mode()) {
				case AUTO -> body.put("tool_choice", "auto");
				case NONE -> body.put("tool_choice", "none");
				case REQUIRED -> body.put("tool_choice", "required");
				case TOOL -> body.putObject("tool_choice")
					.put("type", "function")
					.putObject("function")
					.put("name", choice.toolName());
			}
		}
	}

	@Override
	protected ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency) {
		JsonNode choice = body.path("choices").path(0);
		if (!choice.isObject()) {
			throw ProviderException.invalidResponse(name(), "response has no choices");
		}
		String finishReason = text(choice, "finish_reason");
		JsonNode message = choice.path("message");
		rejectFiltered(finishReason, message);
		if (!message.isObject()) {
			throw ProviderException.invalidResponse(name(), "choice has no message");
		}
		ToolCallAssembler toolCalls = new ToolCallAssembler(name());
		for (JsonNode call : message.path("tool_calls")) {
			JsonNode function = call.path("function");
			toolCalls.add(text(call, "id"), text(function, "name"), arguments(function));
		}
		// The legacy function_call of older models and compatible servers: one call, no
		// id.
		JsonNode function = message.path("function_call");
		if (function.isObject()) {
			toolCalls.add(null, text(function, "name"), arguments(function));
		}
		String model = text(body, "model");
		return answer(text(message, "content"), toolCalls.calls(), finishReason.isEmpty() ? null : finishReason,
				usage(body).consistent(), model.isEmpty() ? requestedModel : model, latency);
	}

	/**
	 * A function's arguments: OpenAI sends them as JSON text; some compatible servers
	 * send the object itself.
	 */
	private static String arguments(JsonNode function) {
		JsonNode arguments = function.path("arguments");
		return arguments.isObject() ? arguments.toString() : text(function, "arguments");
	}

	private void rejectFiltered(String finishReason, JsonNode message) {
		if ("content_filter".equals(finishReason) || message.path("refusal").isString()) {
			throw new ProviderException(name(), FailureCategory.CONTENT_FILTERED, 200, null,
					"the model refused or the content filter stopped the completion", null);
		}
	}

	/**
	 * With the usage in a last chunk of its own, before {@code [DONE]}; without, a stream
	 * reports none.
	 */
	@Override
	protected void streaming(ObjectNode body) {
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
	}

	/**
	 * A {@code chat.completion.chunk}: text in {@code choices[0].delta.content}, tool
	 * calls in {@code choices[0].delta.tool_calls} (each by its index: the first delta of
	 * a call has its id and function name, the next ones fragments of its arguments), the
	 * finish reason on its choice, the usage on a last chunk with no choices, and
	 * {@code [DONE]} (not JSON) to end the stream.
	 */
	@Override
	protected String decode(StreamEvent event, StreamState state) {
		if (event.data().equals("[DONE]")) {
			state.terminate();
			return "";
		}
		JsonNode chunk = eventJson(event);
		state.model(text(chunk, "model"));
		state.usage(chunk, "usage");
		JsonNode choices = chunk.path("choices");
		if (!choices.isArray()) {
			throw ProviderException.invalidResponse(name(), "stream chunk has no choices");
		}
		if (choices.isEmpty()) {
			return "";
		}
		JsonNode choice = choices.path(0);
		String finishReason = text(choice, "finish_reason");
		JsonNode delta = choice.path("delta");
		rejectFiltered(finishReason, delta);
		state.finishReason(finishReason);
		if (!delta.isObject()) {
			throw ProviderException.invalidResponse(name(), "stream chunk has no delta");
		}
		toolCallDeltas(delta, state.toolCalls());
		return text(delta, "content");
	}

	private void toolCallDeltas(JsonNode delta, ToolCallAssembler toolCalls) {
		for (JsonNode call : delta.path("tool_calls")) {
			JsonNode index = call.path("index");
			if (!index.isIntegralNumber() || !index.canConvertToInt()) {
				throw ProviderException.invalidResponse(name(), "tool call delta has no index");
			}
			toolCallDelta(toolCalls, index.intValue(), text(call, "id"), call.path("function"));
		}
		// The legacy function_call: one call, streamed the same way.
		JsonNode function = delta.path("function_call");
		if (function.isObject()) {
			toolCallDelta(toolCalls, 0, "", function);
		}
	}

	private static void toolCallDelta(ToolCallAssembler toolCalls, int index, String id, JsonNode function) {
		toolCalls.begin(index, id, text(function, "name"));
		String fragment = text(function, "arguments");
		if (!fragment.isEmpty()) {
			toolCalls.appendArguments(index, fragment);
		}
	}

	/**
	 * OpenAI's error events carry the type of its error responses ({@code server_error},
	 * {@code rate_limit_exceeded}...) and no status; compatible servers often carry the
	 * status as the code.
	 */
	@Override
	protected int streamErrorStatus(JsonNode body, ProviderError error) {
		return switch (error.type()) {
			case "rate_limit_exceeded", "insufficient_quota", "tokens", "requests" -> 429;
			case "invalid_api_key", "authentication_error" -> 401;
			case "invalid_request_error", "context_length_exceeded", "content_filter", "content_policy_violation" ->
				400;
			default -> super.streamErrorStatus(body, error);
		};
	}

	/** Prompt-cache hits are a part of the prompt tokens. */
	@Override
	protected TokenUsage.Reported usage(JsonNode body) {
		JsonNode usage = body.path("usage");
		return new TokenUsage.Reported(List.of(count(usage, "prompt_tokens")),
				List.of(count(usage, "completion_tokens")),
				count(usage.path("prompt_tokens_details"), "cached_tokens"));
	}

	@Override
	protected ProviderError parseError(JsonNode body) {
		JsonNode error = body.path("error");
		if (!error.isObject()) {
			return ProviderError.NONE;
		}
		String code = text(error, "code");
		return new ProviderError(code.isEmpty() ? text(error, "type") : code, text(error, "message"));
	}

	@Override
	protected FailureCategory categorize(int status, ProviderError error) {
		String type = error.type();
		if (type.equals("context_length_exceeded") || type.equals("string_above_max_length")) {
			return FailureCategory.CONTEXT_LENGTH;
		}
		if (type.equals("content_filter") || type.equals("content_policy_violation")) {
			return FailureCategory.CONTENT_FILTERED;
		}
		if (type.equals("invalid_api_key")) {
			return FailureCategory.AUTH;
		}
		if (status == 503 || status == 529) {
			return FailureCategory.OVERLOADED;
		}
		return categorizeByStatus(status);
	}

}
