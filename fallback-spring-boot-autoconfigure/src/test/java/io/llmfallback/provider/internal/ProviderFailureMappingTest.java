package io.llmfallback.provider.internal;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.model.FailureCategory.AUTH;
import static io.llmfallback.model.FailureCategory.BAD_REQUEST;
import static io.llmfallback.model.FailureCategory.CONNECTION;
import static io.llmfallback.model.FailureCategory.CONTENT_FILTERED;
import static io.llmfallback.model.FailureCategory.CONTEXT_LENGTH;
import static io.llmfallback.model.FailureCategory.EMPTY_RESPONSE;
import static io.llmfallback.model.FailureCategory.INVALID_RESPONSE;
import static io.llmfallback.model.FailureCategory.OVERLOADED;
import static io.llmfallback.model.FailureCategory.RATE_LIMITED;
import static io.llmfallback.model.FailureCategory.SERVER_ERROR;
import static io.llmfallback.model.FailureCategory.TIMEOUT;
import static io.llmfallback.provider.ProviderType.ANTHROPIC;
import static io.llmfallback.provider.ProviderType.GEMINI;
import static io.llmfallback.provider.ProviderType.OPENAI;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.closedPort;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.mutatedFixture;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.successFixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link FailureCategory} a provider can produce, over real HTTP, with each
 * provider's own status codes and error bodies (the fixtures) plus what gateways in front
 * of them answer. One table for the three protocols: the mapping is the contract the
 * chain's {@code fallback-on} relies on.
 */
class ProviderFailureMappingTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	private static final ChatRequest REQUEST = ChatRequest.ofUser("Summarize the incident report.");

	// ---- HTTP answers with a status and a body
	// ----------------------------------------------------------------

	static Stream<HttpFailure> httpFailures() {
		List<HttpFailure> cases = new ArrayList<>(List.of(
				// OpenAI chat completions
				answer(OPENAI, 401, "openai/error-401-invalid-api-key.json", AUTH, "invalid_api_key"),
				answer(OPENAI, 403, "openai/error-403-unsupported-region.json", AUTH,
						"unsupported_country_region_territory"),
				answer(OPENAI, 400, "openai/error-400-unsupported-parameter.json", BAD_REQUEST,
						"unsupported_parameter"),
				answer(OPENAI, 400, "openai/error-400-context-length-exceeded.json", CONTEXT_LENGTH,
						"maximum context length is 128000 tokens"),
				answer(OPENAI, 400, "openai/error-400-content-filter.json", CONTENT_FILTERED, "content_filter"),
				answer(OPENAI, 429, "openai/error-429-rate-limit-exceeded.json", RATE_LIMITED, "rate_limit_exceeded")
					.header("retry-after", "7")
					.retryAfter(Duration.ofSeconds(7)),
				answer(OPENAI, 429, "openai/error-429-rate-limit-exceeded.json", RATE_LIMITED, "rate_limit_exceeded")
					.header("retry-after-ms", "4036")
					.header("retry-after", "5")
					.retryAfter(Duration.ofMillis(4036)),
				answer(OPENAI, 500, "openai/error-500-server-error.json", SERVER_ERROR, "server_error"),
				answer(OPENAI, 503, "openai/error-503-server-overloaded.json", OVERLOADED, "server_is_overloaded"),
				answer(OPENAI, 200, "openai/chat-completion-content-filter.json", CONTENT_FILTERED, "content filter"),
				answer(OPENAI, 200, "openai/chat-completion-refusal.json", CONTENT_FILTERED, "refused"),

				// Anthropic messages
				answer(ANTHROPIC, 529, "anthropic/error-529-overloaded.json", OVERLOADED,
						"overloaded_error: Overloaded"),
				answer(ANTHROPIC, 429, "anthropic/error-429-rate-limit.json", RATE_LIMITED, "rate_limit_error")
					.header("retry-after", "7")
					.header("anthropic-ratelimit-input-tokens-remaining", "0")
					.retryAfter(Duration.ofSeconds(7)),
				answer(ANTHROPIC, 400, "anthropic/error-400-prompt-too-long.json", CONTEXT_LENGTH,
						"prompt is too long: 210000 tokens > 200000 maximum"),
				answer(ANTHROPIC, 400, "anthropic/error-400-invalid-request.json", BAD_REQUEST,
						"invalid_request_error"),
				// A model without prefill refuses a stream's continuation as any bad
				// request.
				answer(ANTHROPIC, 400, "anthropic/error-400-prefill-unsupported.json", BAD_REQUEST,
						"invalid_request_error"),
				answer(ANTHROPIC, 401, "anthropic/error-401-authentication.json", AUTH, "authentication_error"),
				answer(ANTHROPIC, 403, "anthropic/error-403-permission.json", AUTH, "permission_error"),
				answer(ANTHROPIC, 500, "anthropic/error-500-api-error.json", SERVER_ERROR, "api_error"),
				answer(ANTHROPIC, 200, "anthropic/message-refusal.json", CONTENT_FILTERED, "refused"),

				// Gemini generateContent
				answer(GEMINI, 429, "gemini/error-429-resource-exhausted.json", RATE_LIMITED, "RESOURCE_EXHAUSTED")
					.retryAfter(Duration.ofSeconds(38)),
				answer(GEMINI, 429, "gemini/error-429-resource-exhausted-no-retry-info.json", RATE_LIMITED,
						"RESOURCE_EXHAUSTED")
					.header("retry-after", "7")
					.retryAfter(Duration.ofSeconds(7)),
				answer(GEMINI, 503, "gemini/error-503-overloaded.json", OVERLOADED,
						"UNAVAILABLE: The model is overloaded."),
				answer(GEMINI, 500, "gemini/error-500-internal.json", SERVER_ERROR, "INTERNAL"),
				answer(GEMINI, 504, "gemini/error-504-deadline-exceeded.json", TIMEOUT, "DEADLINE_EXCEEDED"),
				answer(GEMINI, 400, "gemini/error-400-api-key-invalid.json", AUTH, "INVALID_ARGUMENT/API_KEY_INVALID"),
				answer(GEMINI, 403, "gemini/error-403-permission-denied.json", AUTH, "PERMISSION_DENIED"),
				answer(GEMINI, 400, "gemini/error-400-context-length.json", CONTEXT_LENGTH,
						"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."),
				answer(GEMINI, 400, "gemini/error-400-invalid-argument.json", BAD_REQUEST, "INVALID_ARGUMENT"),
				answer(GEMINI, 200, "gemini/prompt-blocked.json", CONTENT_FILTERED, "prompt blocked: SAFETY"),
				answer(GEMINI, 200, "gemini/candidate-safety.json", CONTENT_FILTERED, "candidate stopped: SAFETY")));

		// What a load balancer or proxy in front of any of them answers, with no provider
		// error envelope.
		for (ProviderType type : ProviderTestKit.httpTypes()) {
			cases.add(gateway(type, 502, "text/html",
					"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
					SERVER_ERROR));
			cases.add(gateway(type, 504, "text/html",
					"<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>",
					TIMEOUT));
			cases.add(gateway(type, 408, "text/plain", "", TIMEOUT));
			cases.add(gateway(type, 503, "text/plain",
					"upstream connect error or disconnect/reset before headers. reset reason: overflow", OVERLOADED)
				.header("retry-after", "30")
				.retryAfter(Duration.ofSeconds(30)));
			cases.add(gateway(type, 429, "application/json", "", RATE_LIMITED).header("retry-after", "7")
				.retryAfter(Duration.ofSeconds(7)));
			cases.add(gateway(type, 404, "text/html", "<html><body>Not Found</body></html>", BAD_REQUEST));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("httpFailures")
	void mapsHttpAnswerOntoFailureCategory(HttpFailure failure) {
		ResponseDefinitionBuilder response = aResponse().withStatus(failure.status())
			.withHeader("Content-Type", failure.contentType())
			.withBody(failure.body());
		failure.headers().forEach(response::withHeader);
		server.stubFor(post(urlPathEqualTo(path(failure.type()))).willReturn(response));

		ProviderException ex = failure(provider(failure.type(), baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(failure.category());
		assertThat(ex.getHttpStatus()).isEqualTo(failure.status());
		assertThat(ex.getRetryAfter()).isEqualTo(failure.retryAfter());
		assertThat(ex.getProvider()).isEqualTo(failure.type().wireName() + "-test");
		assertThat(ex.getMessage()).contains(failure.category().wireName()).contains(failure.messageFragment());
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void readsRetryAfterGivenAsHttpDate(ProviderType type) {
		ZonedDateTime inTwoMinutes = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120);
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(aResponse().withStatus(429)
			.withHeader("retry-after", DateTimeFormatter.RFC_1123_DATE_TIME.format(inTwoMinutes))));

		ProviderException ex = failure(provider(type, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(RATE_LIMITED);
		// The header has whole seconds and the clock moved on a little since it was
		// written.
		assertThat(ex.getRetryAfter()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
	}

	// ---- No usable HTTP answer at all
	// --------------------------------------------------------------------------

	static Stream<Arguments> transportFaults() {
		return Arrays.stream(ProviderTestKit.httpTypes())
			.flatMap((type) -> Stream
				.of(Fault.CONNECTION_RESET_BY_PEER, Fault.EMPTY_RESPONSE, Fault.RANDOM_DATA_THEN_CLOSE,
						Fault.MALFORMED_RESPONSE_CHUNK)
				.map((fault) -> Arguments.of(type, fault)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("transportFaults")
	void brokenConnectionIsConnectionFailure(ProviderType type, Fault fault) {
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(aResponse().withFault(fault)));

		ProviderException ex = failure(provider(type, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(CONNECTION);
		assertThat(ex.getRetryAfter()).isNull();
		assertThat(ex.getHttpStatus()).isNull();
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void refusedConnectionIsConnectionFailure(ProviderType type) {
		LlmProvider unreachable = provider(type, "http://127.0.0.1:" + closedPort());

		ProviderException ex = failure(unreachable.chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(CONNECTION);
		assertThat(ex.getHttpStatus()).isNull();
		assertThat(ex.getRetryAfter()).isNull();
		assertThat(ex.getMessage()).contains("connection").contains("ConnectException");
		assertThat(ex.getCause()).isNotNull();
	}

	// ---- A 2xx that is not a usable answer
	// ---------------------------------------------------------------------

	static Stream<Arguments> invalidSuccessBodies() {
		List<Arguments> cases = new ArrayList<>();
		for (ProviderType type : ProviderTestKit.httpTypes()) {
			cases.add(Arguments.of(type, "HTML instead of JSON", "text/html",
					"<html><body><h1>Service is starting</h1></body></html>"));
			cases.add(Arguments.of(type, "empty body", "application/json", ""));
			cases.add(Arguments.of(type, "JSON array", "application/json", "[]"));
			cases.add(Arguments.of(type, "truncated JSON", "application/json",
					fixture(successFixture(type)).substring(0, 60)));
		}
		cases.add(Arguments.of(OPENAI, "no choices", "application/json",
				mutatedFixture("openai/chat-completion.json", (body) -> body.remove("choices"))));
		cases.add(Arguments.of(OPENAI, "empty choices", "application/json",
				mutatedFixture("openai/chat-completion.json", (body) -> body.putArray("choices"))));
		cases.add(Arguments.of(OPENAI, "tool call that names no tool", "application/json",
				mutatedFixture("openai/chat-completion-tool-calls.json", (body) -> {
					ObjectNode choice = (ObjectNode) body.path("choices").path(0);
					ObjectNode call = (ObjectNode) choice.path("message").path("tool_calls").path(1);
					((ObjectNode) call.path("function")).remove("name");
				})));
		cases.add(Arguments.of(ANTHROPIC, "no content", "application/json",
				mutatedFixture("anthropic/message.json", (body) -> body.remove("content"))));
		cases.add(Arguments.of(GEMINI, "no candidates", "application/json",
				mutatedFixture("gemini/generate-content.json", (body) -> body.remove("candidates"))));
		cases.add(Arguments.of(OPENAI, "choice without a message", "application/json",
				mutatedFixture("openai/chat-completion.json",
						(body) -> ((ObjectNode) body.path("choices").path(0)).remove("message"))));
		return cases.stream();
	}

	/**
	 * Answers that stopped as answers do but hold no text, in each protocol's own shape
	 * of "nothing".
	 */
	static Stream<Arguments> emptyAnswers() {
		return Stream.of(
				Arguments.of(OPENAI, "empty content",
						mutatedFixture("openai/chat-completion.json",
								(body) -> openAiMessage(body).put("content", ""))),
				Arguments.of(OPENAI, "null content",
						mutatedFixture("openai/chat-completion.json",
								(body) -> openAiMessage(body).putNull("content"))),
				Arguments.of(OPENAI, "whitespace content",
						mutatedFixture("openai/chat-completion.json",
								(body) -> openAiMessage(body).put("content", " \n\t "))),
				Arguments.of(OPENAI, "empty content cut off at the token limit",
						mutatedFixture("openai/chat-completion.json", (body) -> {
							openAiMessage(body).put("content", "");
							((ObjectNode) body.path("choices").path(0)).put("finish_reason", "length");
						})),
				Arguments.of(ANTHROPIC, "empty content array",
						mutatedFixture("anthropic/message.json", (body) -> body.putArray("content"))),
				Arguments.of(ANTHROPIC, "empty text block",
						mutatedFixture("anthropic/message.json",
								(body) -> body.putArray("content").addObject().put("type", "text").put("text", ""))),
				Arguments.of(ANTHROPIC, "only thinking, cut off at max_tokens",
						mutatedFixture("anthropic/message.json", (body) -> {
							body.put("stop_reason", "max_tokens");
							body.putArray("content")
								.addObject()
								.put("type", "thinking")
								.put("thinking", "Let me work through the breaker states first...")
								.put("signature", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
						})),
				Arguments.of(GEMINI, "candidate without parts",
						mutatedFixture("gemini/generate-content.json",
								(body) -> geminiCandidate(body).putObject("content").put("role", "model"))),
				Arguments.of(GEMINI, "candidate without content",
						mutatedFixture("gemini/generate-content.json",
								(body) -> geminiCandidate(body).remove("content"))),
				Arguments.of(GEMINI, "whitespace part",
						mutatedFixture("gemini/generate-content.json",
								(body) -> ((ObjectNode) geminiCandidate(body).path("content").path("parts").path(0))
									.put("text", "\n\n"))),
				Arguments.of(GEMINI, "thinking used the whole output budget",
						mutatedFixture("gemini/generate-content.json", (body) -> {
							ObjectNode candidate = geminiCandidate(body);
							candidate.put("finishReason", "MAX_TOKENS");
							candidate.putObject("content").put("role", "model");
						})));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("emptyAnswers")
	void answerWithoutTextIsEmptyResponseAndKeepsItsBilledTokens(ProviderType type, String label, String body) {
		server.stubFor(post(urlPathEqualTo(path(type)))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));

		ProviderException ex = failure(provider(type, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(EMPTY_RESPONSE);
		assertThat(ex.getCategory().wireName()).isEqualTo("empty-response");
		assertThat(ex.getCategory().isProviderHealthSignal()).isTrue();
		assertThat(ex.getHttpStatus()).isEqualTo(200);
		assertThat(ex.getMessage()).contains("response has no text (finish reason ");
		assertThat(ex.getBilledUsage().totalTokens()).isPositive();
	}

	private static ObjectNode openAiMessage(ObjectNode body) {
		return (ObjectNode) body.path("choices").path(0).path("message");
	}

	private static ObjectNode geminiCandidate(ObjectNode body) {
		return (ObjectNode) body.path("candidates").path(0);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("invalidSuccessBodies")
	void unusableSuccessBodyIsInvalidResponse(ProviderType type, String label, String contentType, String body) {
		server.stubFor(post(urlPathEqualTo(path(type)))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(body)));

		ProviderException ex = failure(provider(type, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(INVALID_RESPONSE);
		assertThat(ex.getHttpStatus()).isEqualTo(200);
		assertThat(ex.getRetryAfter()).isNull();
		assertThat(ex.getCategory().isProviderHealthSignal()).isTrue();
	}

	private static HttpFailure answer(ProviderType type, int status, String fixture, FailureCategory category,
			String messageFragment) {
		return new HttpFailure(type, status, "application/json", fixture(fixture), Map.of(), category, null,
				messageFragment, fixture.substring(fixture.indexOf('/') + 1));
	}

	private static HttpFailure gateway(ProviderType type, int status, String contentType, String body,
			FailureCategory category) {
		return new HttpFailure(type, status, contentType, body, Map.of(), category, null, "",
				"gateway " + (body.isEmpty() ? "empty body" : contentType));
	}

	/**
	 * One HTTP answer and what it must be classified as.
	 *
	 * @param messageFragment text the exception message must carry (the provider's own
	 * error type or message)
	 */
	record HttpFailure(ProviderType type, int status, String contentType, String body, Map<String, String> headers,
			FailureCategory category, @Nullable Duration retryAfter, String messageFragment, String label) {

		HttpFailure header(String name, String value) {
			Map<String, String> more = new LinkedHashMap<>(this.headers);
			more.put(name, value);
			return new HttpFailure(this.type, this.status, this.contentType, this.body, more, this.category,
					this.retryAfter, this.messageFragment, this.label);
		}

		HttpFailure retryAfter(Duration wait) {
			return new HttpFailure(this.type, this.status, this.contentType, this.body, this.headers, this.category,
					wait, this.messageFragment, this.label);
		}

		@Override
		public String toString() {
			return this.type.wireName() + " " + this.status + " " + this.label
					+ (this.headers.isEmpty() ? "" : " " + this.headers) + " -> " + this.category.wireName()
					+ ((this.retryAfter != null) ? " retry after " + this.retryAfter : "");
		}

	}

}
