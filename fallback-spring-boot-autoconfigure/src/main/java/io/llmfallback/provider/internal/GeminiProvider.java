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
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.ProviderCapabilities;
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

	/**
	 * The thought signature Google documents for a function call the model did not make:
	 * it skips the signature's validation.
	 */
	static final String UNSIGNED_CALL = "skip_thought_signature_validator";

	private static final Set<String> FILTERED_FINISH_REASONS = Set.of("SAFETY", "RECITATION", "BLOCKLIST",
			"PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

	public GeminiProvider(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		super(settings, webClientBuilder, responseBudget);
	}

	/**
	 * The model's capabilities, but images as inline data only: Gemini fetches no
	 * {@code https} URL (its {@code fileData} takes Files API URIs with a media type), so
	 * a chain skips it for a request with an image URL rather than have it refused.
	 */
	@Override
	public ProviderCapabilities capabilities() {
		return super.capabilities().withoutImageUrls();
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
		@Nullable ArrayNode toolResults = null;
		for (ChatMessage message : request.conversation()) {
			if (message.role() == ChatRole.TOOL) {
				// The results of one turn's calls go back together, in one user turn.
				if (toolResults == null) {
					toolResults = userContent(contents);
				}
				functionResponse(toolResults.addObject().putObject("functionResponse"), message);
				continue;
			}
			toolResults = null;
			if (message.role() == ChatRole.ASSISTANT) {
				modelContent(contents, message);
			}
			else {
				userContent(contents, message);
			}
		}
		tools(body, request);
		body.set("generationConfig", generationConfig(request, maxTokens));
		return body;
	}

	private static ArrayNode userContent(ArrayNode contents) {
		ObjectNode content = contents.addObject();
		content.put("role", "user");
		return content.putArray("parts");
	}

	private void userContent(ArrayNode contents, ChatMessage message) {
		ArrayNode parts = userContent(contents);
		if (!message.content().isEmpty() || message.images().isEmpty()) {
			parts.addObject().put("text", message.content());
		}
		for (ImageInput image : message.images()) {
			if (image.isUrl()) {
				// fileData takes URIs of Google's Files API (and a media type, which a
				// URL image has none of), not any https URL.
				throw refused("Gemini takes images as inline base64 data only, not as URLs");
			}
			ObjectNode inlineData = parts.addObject().putObject("inlineData");
			inlineData.put("mimeType", image.mediaType());
			inlineData.put("data", image.base64Data());
		}
	}

	/**
	 * The model's earlier turn: its text, then its calls. A call Gemini did not make
	 * carries no thought signature, which Gemini 3 requires on the calls of the current
	 * turn: Google's documented placeholder for calls from another model or made up by
	 * the client stands in for it, so that a conversation another provider began can fall
	 * over to Gemini.
	 */
	private void modelContent(ArrayNode contents, ChatMessage message) {
		ObjectNode content = contents.addObject();
		content.put("role", "model");
		ArrayNode parts = content.putArray("parts");
		if (!message.content().isEmpty() || message.toolCalls().isEmpty()) {
			parts.addObject().put("text", message.content());
		}
		for (ToolCall call : message.toolCalls()) {
			ObjectNode part = parts.addObject();
			ObjectNode functionCall = part.putObject("functionCall");
			functionCall.put("id", call.id());
			functionCall.put("name", call.name());
			functionCall.set("args", jsonObject(call.arguments(), "the arguments of tool call " + call.id()));
			part.put("thoughtSignature", UNSIGNED_CALL);
		}
	}

	/**
	 * A tool's result, which Gemini takes as a JSON object: a result that is not one is
	 * sent as {@code {"output": <text>}}, the key the API reference names for a
	 * function's output (a response without it is taken whole as the output).
	 */
	private static void functionResponse(ObjectNode functionResponse, ChatMessage result) {
		functionResponse.put("id", result.toolCallId());
		functionResponse.put("name", result.toolName());
		JsonNode parsed = readQuietly(result.content());
		if (parsed.isObject()) {
			functionResponse.set("response", parsed);
		}
		else {
			functionResponse.putObject("response").put("output", result.content());
		}
	}

	/**
	 * The tools as function declarations. Their JSON Schema goes in
	 * {@code parametersJsonSchema}, which takes JSON Schema as it is, where
	 * {@code parameters} takes an OpenAPI subset that refuses
	 * {@code additionalProperties}, {@code $ref} or {@code const}; only {@code $schema},
	 * which names the dialect and constrains nothing, is left out, as Gemini rejects it.
	 */
	private void tools(ObjectNode body, ChatRequest request) {
		if (request.tools().isEmpty()) {
			return;
		}
		ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
		for (ToolDefinition tool : request.tools()) {
			ObjectNode declaration = declarations.addObject();
			declaration.put("name", tool.name());
			declaration.put("description", tool.description());
			ObjectNode schema = jsonObject(tool.parameters(), "the parameters of tool " + tool.name());
			schema.remove("$schema");
			declaration.set("parametersJsonSchema", schema);
		}
		ToolChoice choice = request.toolChoice();
		if (choice != null) {
			ObjectNode config = body.putObject("toolConfig").putObject("functionCallingConfig");
			config.put("mode", switch (choice.mode()) {
				case AUTO -> "AUTO";
				case NONE -> "NONE";
				case REQUIRED, TOOL -> "ANY";
			});
			if (choice.toolName() != null) {
				config.putArray("allowedFunctionNames").add(choice.toolName());
			}
		}
	}

	private ObjectNode generationConfig(ChatRequest request, int maxTokens) {
		ObjectNode generationConfig = JSON.createObjectNode();
		generationConfig.put("maxOutputTokens", maxTokens);
		if (request.temperature() != null) {
			generationConfig.put("temperature", request.temperature());
		}
		if (request.topP() != null) {
			generationConfig.put("topP", request.topP());
		}
		Long seed = request.seed();
		if (seed != null) {
			// Gemini's seed is an int32: a larger one is folded, which keeps equal seeds
			// equal.
			generationConfig.put("seed", Long.hashCode(seed));
		}
		if (!request.stop().isEmpty()) {
			ArrayNode stopSequences = generationConfig.putArray("stopSequences");
			request.stop().forEach(stopSequences::add);
		}
		if (request.responseFormat() == ResponseFormat.JSON) {
			generationConfig.put("responseMimeType", "application/json");
		}
		JsonSchemaFormat schema = request.jsonSchema();
		if (schema != null) {
			// responseJsonSchema takes JSON Schema as it is, where responseSchema takes
			// an OpenAPI subset that refuses common keywords (additionalProperties,
			// $ref...).
			generationConfig.set("responseJsonSchema", jsonObject(schema.schema(), "the JSON schema " + schema.name()));
		}
		return generationConfig;
	}

	/** A request Gemini cannot be sent, failed before anything goes out. */
	private ProviderException refused(String detail) {
		return new ProviderException(name(), FailureCategory.BAD_REQUEST, null, null, detail, null);
	}

	@Override
	protected ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency) {
		JsonNode candidate = candidate(body);
		if (!candidate.isObject()) {
			throw ProviderException.invalidResponse(name(), "response has no candidates");
		}
		String finishReason = text(candidate, "finishReason");
		ToolCallAssembler toolCalls = new ToolCallAssembler(name());
		functionCalls(candidate, toolCalls);
		String model = text(body, "modelVersion");
		return answer(answerText(candidate), toolCalls.calls(), finishReason.isEmpty() ? null : finishReason,
				usage(body).consistent(), model.isEmpty() ? requestedModel : model, latency);
	}

	/**
	 * Adds the candidate's {@code functionCall} parts, each whole: Gemini sends a call's
	 * arguments as one JSON object, never in pieces. The id is the part's when it has one
	 * (Gemini 3 names its calls), otherwise the assembler makes one up.
	 */
	private void functionCalls(JsonNode candidate, ToolCallAssembler toolCalls) {
		for (JsonNode part : candidate.path("content").path("parts")) {
			JsonNode call = part.path("functionCall");
			if (call.isMissingNode()) {
				continue;
			}
			JsonNode args = call.path("args");
			if (!call.isObject() || !(args.isObject() || args.isMissingNode())) {
				throw ProviderException.invalidResponse(name(), "functionCall part is not a call with object args");
			}
			String id = text(call, "id");
			toolCalls.add(id.isEmpty() ? null : id, text(call, "name"),
					args.isObject() ? JSON.writeValueAsString(args) : "");
		}
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
	 * Each event is a whole {@code GenerateContentResponse} with the next piece of text
	 * and whole function calls (in any event, gathered for the last chunk); there is no
	 * end marker: the stream is complete when its body ends after a candidate with a
	 * finish reason. The usage is cumulative, complete on the last response.
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
		functionCalls(candidate, state.toolCalls());
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
