package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Google Gemini ({@code POST /v1beta/models/{model}:generateContent},
 * {@code x-goog-api-key}).
 */
public final class GeminiProvider extends HttpLlmProvider {

	private static final Set<String> FILTERED_FINISH_REASONS = Set.of("SAFETY", "RECITATION", "BLOCKLIST",
			"PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

	public GeminiProvider(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		super(settings, webClientBuilder, responseBudget);
	}

	@Override
	protected void authenticate(HttpHeaders headers, String apiKey) {
		headers.set("x-goog-api-key", apiKey);
	}

	@Override
	protected String path(String model) {
		return modelPath(model) + ":generateContent";
	}

	// Google's model listing names models "models/gemini-..."; both spellings mean the
	// same model.
	private static String modelPath(String model) {
		String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
		return "/v1beta/models/" + id;
	}

	@Override
	protected ObjectNode requestBody(ChatRequest request, String model, int maxTokens) {
		ObjectNode body = JSON.createObjectNode();
		String system = request.systemText();
		if (system != null) {
			body.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
		}
		ArrayNode contents = body.putArray("contents");
		for (ChatMessage message : request.conversation()) {
			ObjectNode content = contents.addObject();
			content.put("role", (message.role() == ChatRole.ASSISTANT) ? "model" : "user");
			content.putArray("parts").addObject().put("text", message.content());
		}
		ObjectNode generationConfig = body.putObject("generationConfig");
		generationConfig.put("maxOutputTokens", maxTokens);
		if (request.temperature() != null) {
			generationConfig.put("temperature", request.temperature());
		}
		if (request.responseFormat() == ResponseFormat.JSON) {
			generationConfig.put("responseMimeType", "application/json");
		}
		return body;
	}

	@Override
	protected ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency) {
		JsonNode candidate = candidate(body);
		if (!candidate.isObject()) {
			throw ProviderException.invalidResponse(name(), "response has no candidates");
		}
		String finishReason = text(candidate, "finishReason");
		boolean toolCall = false;
		for (JsonNode part : candidate.path("content").path("parts")) {
			toolCall |= part.path("functionCall").isObject();
		}
		String model = text(body, "modelVersion");
		return answer(answerText(candidate), toolCall, finishReason.isEmpty() ? null : finishReason,
				usage(body).consistent(), model.isEmpty() ? requestedModel : model, latency);
	}

	/**
	 * The first candidate, missing if there is none; a blocked prompt or a filtered
	 * candidate fails.
	 */
	private JsonNode candidate(JsonNode body) {
		String blockReason = text(body.path("promptFeedback"), "blockReason");
		if (!blockReason.isEmpty()) {
			throw new ProviderException(name(), FailureCategory.CONTENT_FILTERED, 200, null,
					"prompt blocked: " + blockReason, null);
		}
		JsonNode candidate = body.path("candidates").path(0);
		String finishReason = text(candidate, "finishReason");
		if (FILTERED_FINISH_REASONS.contains(finishReason)) {
			throw new ProviderException(name(), FailureCategory.CONTENT_FILTERED, 200, null,
					"candidate stopped: " + finishReason, null);
		}
		return candidate;
	}

	/**
	 * Thinking models return their reasoning as parts marked "thought"; only the answer
	 * is output.
	 */
	private static String answerText(JsonNode candidate) {
		StringBuilder text = new StringBuilder();
		for (JsonNode part : candidate.path("content").path("parts")) {
			if (!part.path("thought").asBoolean(false)) {
				text.append(text(part, "text"));
			}
		}
		return text.toString();
	}

	@Override
	protected String streamPath(String model) {
		return modelPath(model) + ":streamGenerateContent?alt=sse";
	}

	/** Gemini streams from its own endpoint; the request body is the unary one. */
	@Override
	protected void streaming(ObjectNode body) {
	}

	/**
	 * Each event is a whole {@code GenerateContentResponse} with the next piece of text;
	 * there is no end marker: the stream is complete when its body ends after a candidate
	 * with a finish reason. The usage is cumulative, complete on the last response.
	 */
	@Override
	protected String decode(StreamEvent event, StreamState state) {
		JsonNode response = eventJson(event);
		state.model(text(response, "modelVersion"));
		state.usage(response, "usageMetadata");
		JsonNode candidate = candidate(response);
		if (!candidate.isObject()) {
			if (response.path("usageMetadata").isObject()) {
				return "";
			}
			throw ProviderException.invalidResponse(name(), "stream chunk has no candidates");
		}
		String finishReason = text(candidate, "finishReason");
		if (!finishReason.isEmpty()) {
			state.finishReason(finishReason);
			state.end();
		}
		return answerText(candidate);
	}

	/**
	 * Thinking tokens are billed as output; cached-content tokens are a part of the
	 * prompt tokens.
	 */
	@Override
	protected TokenUsage.Reported usage(JsonNode body) {
		JsonNode usage = body.path("usageMetadata");
		return new TokenUsage.Reported(List.of(count(usage, "promptTokenCount")),
				List.of(count(usage, "candidatesTokenCount"), count(usage, "thoughtsTokenCount")),
				count(usage, "cachedContentTokenCount"));
	}

	@Override
	protected ProviderError parseError(JsonNode body) {
		JsonNode error = body.path("error");
		if (!error.isObject()) {
			return ProviderError.NONE;
		}
		String reason = "";
		for (JsonNode detail : error.path("details")) {
			if (detail.path("reason").isString()) {
				reason = detail.path("reason").stringValue();
			}
		}
		String status = text(error, "status");
		return new ProviderError(reason.isEmpty() ? status : status + "/" + reason, text(error, "message"));
	}

	@Override
	protected FailureCategory categorize(int status, ProviderError error) {
		String message = error.message().toLowerCase(Locale.ROOT);
		if (error.type().contains("API_KEY_INVALID") || message.contains("api key not valid")) {
			return FailureCategory.AUTH;
		}
		if (status == 400 && message.contains("exceeds the maximum number of tokens")) {
			return FailureCategory.CONTEXT_LENGTH;
		}
		return categorizeByStatus(status);
	}

	/**
	 * Gemini puts the wait in the body: {@code details[].retryDelay} of a
	 * {@code google.rpc.RetryInfo}.
	 */
	@Override
	protected @Nullable Duration retryAfter(HttpHeaders headers, JsonNode errorBody) {
		for (JsonNode detail : errorBody.path("error").path("details")) {
			String delay = text(detail, "retryDelay");
			if (delay.endsWith("s")) {
				try {
					return Duration
						.ofMillis((long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000));
				}
				catch (NumberFormatException ex) {
					break;
				}
			}
		}
		return super.retryAfter(headers, errorBody);
	}

}
