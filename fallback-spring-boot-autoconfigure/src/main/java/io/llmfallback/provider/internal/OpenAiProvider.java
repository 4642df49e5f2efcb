package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
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
		boolean json = request.responseFormat() == ResponseFormat.JSON;
		// JSON mode is refused with a 400 unless some message says "JSON"; a fallback's
		// request was often written for another provider, so the instruction is added
		// rather than left to the caller.
		if (json && request.messages()
			.stream()
			.noneMatch((message) -> message.content().toLowerCase(Locale.ROOT).contains("json"))) {
			messages.addObject().put("role", "system").put("content", JSON_INSTRUCTION);
		}
		for (ChatMessage message : request.messages()) {
			messages.addObject()
				.put("role", message.role().name().toLowerCase(Locale.ROOT))
				.put("content", message.content());
		}
		boolean reasoning = isReasoningModel(model);
		body.put(reasoning ? "max_completion_tokens" : "max_tokens", maxTokens);
		// Reasoning models refuse any temperature but their own with a 400; a fallback of
		// that kind serves requests written for another model, so the setting is left out
		// rather than failing them.
		if (request.temperature() != null && !reasoning) {
			body.put("temperature", request.temperature());
		}
		if (json) {
			body.putObject("response_format").put("type", "json_object");
		}
		return body;
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
		// The legacy function_call is a tool call too.
		boolean toolCall = !message.path("tool_calls").isEmpty() || message.path("function_call").isObject();
		String model = text(body, "model");
		return answer(text(message, "content"), toolCall, finishReason.isEmpty() ? null : finishReason,
				usage(body).consistent(), model.isEmpty() ? requestedModel : model, latency);
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
	 * A {@code chat.completion.chunk}: text in {@code choices[0].delta.content}, the
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
		return text(delta, "content");
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
