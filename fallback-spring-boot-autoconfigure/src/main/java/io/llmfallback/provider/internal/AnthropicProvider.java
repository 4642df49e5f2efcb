package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

	@Override
	protected ObjectNode requestBody(ChatRequest request, String model, int maxTokens) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", model);
		body.put("max_tokens", maxTokens);
		String system = request.systemText();
		// Anthropic has no JSON mode: the instruction goes into the system prompt.
		if (request.responseFormat() == ResponseFormat.JSON) {
			system = (system != null) ? system + "\n\n" + JSON_INSTRUCTION : JSON_INSTRUCTION;
		}
		if (system != null) {
			body.put("system", system);
		}
		ArrayNode messages = body.putArray("messages");
		for (ChatMessage message : request.conversation()) {
			messages.addObject()
				.put("role", message.role().name().toLowerCase(Locale.ROOT))
				.put("content", message.content());
		}
		if (request.temperature() != null) {
			body.put("temperature", request.temperature());
		}
		return body;
	}

	@Override
	protected ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency) {
		String stopReason = text(body, "stop_reason");
		rejectRefusal(stopReason);
		JsonNode content = body.path("content");
		if (!content.isArray()) {
			throw ProviderException.invalidResponse(name(), "response has no content array");
		}
		StringBuilder text = new StringBuilder();
		boolean toolCall = false;
		for (JsonNode block : content) {
			String type = text(block, "type");
			if (type.equals("text")) {
				text.append(text(block, "text"));
			}
			toolCall |= type.equals("tool_use");
		}
		String model = text(body, "model");
		return answer(text.toString(), toolCall, stopReason.isEmpty() ? null : stopReason, usage(body).consistent(),
				model.isEmpty() ? requestedModel : model, latency);
	}

	private void rejectRefusal(String stopReason) {
		if (stopReason.equals("refusal")) {
			throw new ProviderException(name(), FailureCategory.CONTENT_FILTERED, 200, null,
					"the model refused to answer", null);
		}
	}

	/**
	 * The messages stream: {@code message_start} (the model, and the input usage),
	 * {@code content_block_delta} (text in a {@code text_delta}; thinking and tool input
	 * are not output), {@code message_delta} (the stop reason, and the output usage),
	 * {@code message_stop} to end it; {@code ping} and the block boundaries say nothing
	 * an answer needs, and an {@code error} event fails it.
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
			case "content_block_delta" -> {
				JsonNode delta = data.path("delta");
				if (!delta.isObject()) {
					throw ProviderException.invalidResponse(name(), "content_block_delta has no delta");
				}
				return text(delta, "type").equals("text_delta") ? text(delta, "text") : "";
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
				// ping, content_block_start, content_block_stop, and types added later
			}
		}
		return "";
	}

	/** The status of each error type, as Anthropic's errors reference pairs them. */
	@Override
	protected int streamErrorStatus(JsonNode body, ProviderError error) {
		return switch (error.type()) {
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
