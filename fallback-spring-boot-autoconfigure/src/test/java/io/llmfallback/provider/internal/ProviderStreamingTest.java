package io.llmfallback.provider.internal;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streamed answers of the three wire formats through real HTTP: the request that switches
 * streaming on, the chunks, the finish reason, usage and model on the last chunk, and
 * each way a stream fails, typed.
 */
class ProviderStreamingTest {

	private static final String OPENAI = "/v1/chat/completions";

	private static final String ANTHROPIC = "/v1/messages";

	private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@Test
	void openAiStreamsTextThenFinishReasonUsageAndModelOnTheLastChunk() {
		serve(OPENAI, fixture("openai/chat-completion-stream.sse"));

		List<ChatChunk> chunks = chunks(ProviderType.OPENAI);

		assertThat(chunks).containsExactly(new ChatChunk("Hello", null, null, "gpt-4o-mini-2024-07-18"),
				new ChatChunk(" there!", null, null, "gpt-4o-mini-2024-07-18"),
				new ChatChunk("", "stop", new TokenUsage(9, 3, 0), "gpt-4o-mini-2024-07-18"));
		server.verify(postRequestedFor(urlPathEqualTo(OPENAI)).withHeader("Accept", containing("text/event-stream"))
			.withRequestBody(equalToJson(
					"{\"model\":\"gpt-4o\",\"stream\":true," + "\"stream_options\":{\"include_usage\":true}}", true,
					true)));
	}

	@Test
	void anthropicStreamsTextDeltasWithInputUsageFromTheStartAndOutputUsageFromTheEnd() {
		serve(ANTHROPIC, fixture("anthropic/message-stream.sse"));

		List<ChatChunk> chunks = chunks(ProviderType.ANTHROPIC);

		assertThat(chunks).containsExactly(new ChatChunk("Hello", null, null, "claude-sonnet-4-5-20250929"),
				new ChatChunk("!", null, null, "claude-sonnet-4-5-20250929"),
				new ChatChunk("", "end_turn", new TokenUsage(25, 15, 0), "claude-sonnet-4-5-20250929"));
		server.verify(postRequestedFor(urlPathEqualTo(ANTHROPIC)).withHeader("anthropic-version", equalTo("2023-06-01"))
			.withRequestBody(equalToJson("{\"model\":\"claude-sonnet-4-5\",\"stream\":true}", true, true)));
	}

	@Test
	void geminiStreamsFromItsStreamEndpointAndEndsWithTheBodyAfterAFinishReason() {
		serve(GEMINI, fixture("gemini/generate-content-stream.sse"));

		List<ChatChunk> chunks = chunks(ProviderType.GEMINI);

		assertThat(chunks).containsExactly(new ChatChunk("The", null, null, "gemini-2.5-flash"),
				new ChatChunk(" sky is blue.", null, null, "gemini-2.5-flash"),
				// thinking tokens are billed as output
				new ChatChunk("", "STOP", new TokenUsage(8, 12, 0), "gemini-2.5-flash"));
		server.verify(postRequestedFor(urlPathEqualTo(GEMINI)).withQueryParam("alt", equalTo("sse"))
			.withHeader("x-goog-api-key", equalTo(API_KEY)));
	}

	@Test
	void aStreamWithoutUsageEndsWithNullUsage() {
		serve(ANTHROPIC,
				fixture("anthropic/message-stream.sse")
					.replace(",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}", "")
					.replace(",\"usage\":{\"output_tokens\":15}", ""));

		List<ChatChunk> chunks = chunks(ProviderType.ANTHROPIC);

		assertThat(chunks.get(chunks.size() - 1))
			.isEqualTo(new ChatChunk("", "end_turn", null, "claude-sonnet-4-5-20250929"));
	}

	@Test
	void anthropicOverloadedErrorEventInsideA200IsOverloaded() {
		serve(ANTHROPIC, fixture("anthropic/message-stream-overloaded.sse"));

		ProviderException failure = streamFailure(ProviderType.ANTHROPIC);

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.OVERLOADED);
		assertThat(failure.getHttpStatus()).isEqualTo(200);
		assertThat(failure.getMessage()).contains("overloaded_error: Overloaded");
	}

	@Test
	void anthropicRateLimitAndApiErrorEventsHaveTheCategoriesOfTheirErrorResponses() {
		assertThat(anthropicErrorEvent("rate_limit_error")).isEqualTo(FailureCategory.RATE_LIMITED);
		assertThat(anthropicErrorEvent("api_error")).isEqualTo(FailureCategory.SERVER_ERROR);
		assertThat(anthropicErrorEvent("authentication_error")).isEqualTo(FailureCategory.AUTH);
	}

	private FailureCategory anthropicErrorEvent(String type) {
		serve(ANTHROPIC, fixture("anthropic/message-stream-overloaded.sse").replace("overloaded_error", type));
		return streamFailure(ProviderType.ANTHROPIC).getCategory();
	}

	@Test
	void openAiErrorDataAfterTextIsTheCategoryOfItsType() {
		String text = fixture("openai/chat-completion-stream.sse");
		String prefix = text.substring(0, text.indexOf("data: {", text.indexOf("Hello")));
		serve(OPENAI, prefix + "data: {\"error\":{\"message\":\"The server had an error while processing your "
				+ "request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");

		StepVerifier.create(provider(ProviderType.OPENAI, baseUrl(server)).stream(ChatRequest.ofUser("Hi")))
			.expectNext(new ChatChunk("Hello", null, null, "gpt-4o-mini-2024-07-18"))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ProviderException.class);
				assertThat(((ProviderException) ex).getCategory()).isEqualTo(FailureCategory.SERVER_ERROR);
				assertThat(((ProviderException) ex).getHttpStatus()).isEqualTo(200);
			})
			.verify(CALL_TIMEOUT);
	}

	@Test
	void openAiRateLimitErrorDataIsRateLimited() {
		serve(OPENAI, "data: {\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"tokens\","
				+ "\"param\":null,\"code\":\"rate_limit_exceeded\"}}\n\n");

		assertThat(streamFailure(ProviderType.OPENAI).getCategory()).isEqualTo(FailureCategory.RATE_LIMITED);
	}

	@Test
	void geminiErrorJsonInTheStreamIsTheCategoryOfItsCode() {
		serve(GEMINI, "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again "
				+ "later.\",\"status\":\"UNAVAILABLE\"}}\n\n");

		assertThat(streamFailure(ProviderType.GEMINI).getCategory()).isEqualTo(FailureCategory.OVERLOADED);
	}

	@Test
	void aStreamEndingBeforeItsTerminatorIsTruncatedInEachFormat() {
		serve(OPENAI, fixture("openai/chat-completion-stream.sse").replace("data: [DONE]\n\n", ""));
		assertThat(streamFailure(ProviderType.OPENAI).getCategory()).isEqualTo(FailureCategory.STREAM_TRUNCATED);

		serve(ANTHROPIC, fixture("anthropic/message-stream.sse")
			.replace("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", ""));
		assertThat(streamFailure(ProviderType.ANTHROPIC).getCategory()).isEqualTo(FailureCategory.STREAM_TRUNCATED);

		String gemini = fixture("gemini/generate-content-stream.sse");
		serve(GEMINI, gemini.substring(0, gemini.indexOf("data: {", 1)));
		assertThat(streamFailure(ProviderType.GEMINI).getCategory()).isEqualTo(FailureCategory.STREAM_TRUNCATED);
	}

	@Test
	void theChunksBeforeATruncationAreDeliveredThenTheFailure() {
		String text = fixture("anthropic/message-stream.sse");
		serve(ANTHROPIC, text.substring(0, text.indexOf("event: message_delta")));

		StepVerifier
			.create(provider(ProviderType.ANTHROPIC, baseUrl(server)).stream(ChatRequest.ofUser("Hi"))
				.map(ChatChunk::text))
			.expectNext("Hello", "!")
			.expectErrorSatisfies((ex) -> assertThat(((ProviderException) ex).getCategory())
				.isEqualTo(FailureCategory.STREAM_TRUNCATED))
			.verify(CALL_TIMEOUT);
	}

	@Test
	void aMalformedEventIsAnInvalidResponse() {
		serve(OPENAI, "data: {\"id\":\"chatcmpl-123\",\"choices\":[{\"delta\":\n\n");
		assertThat(streamFailure(ProviderType.OPENAI).getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);

		serve(OPENAI, "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\"}\n\n");
		assertThat(streamFailure(ProviderType.OPENAI).getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);

		serve(ANTHROPIC, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0}\n\n");
		assertThat(streamFailure(ProviderType.ANTHROPIC).getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);

		serve(GEMINI, "data: [\"not\", \"an\", \"object\"]\n\n");
		assertThat(streamFailure(ProviderType.GEMINI).getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
	}

	@Test
	void aStreamThatEndsProperlyWithoutTextIsEmpty() {
		String text = fixture("openai/chat-completion-stream.sse");
		serve(OPENAI, text.replace("\"Hello\"", "\"\"").replace("\" there!\"", "\"  \""));

		ProviderException failure = streamFailure(ProviderType.OPENAI);

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.EMPTY_RESPONSE);
		assertThat(failure.getMessage()).contains("finish reason stop");
	}

	@Test
	void anHttpErrorBeforeTheStreamIsClassifiedAsAUnaryOne() {
		server.stubFor(post(urlPathEqualTo(OPENAI)).willReturn(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withHeader("retry-after", "7")
			.withBody(fixture("openai/error-429-rate-limit-exceeded.json"))));

		ProviderException failure = streamFailure(ProviderType.OPENAI);

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.RATE_LIMITED);
		assertThat(failure.getHttpStatus()).isEqualTo(429);
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void aRedirectIsNotFollowed() {
		server.stubFor(post(urlPathEqualTo(ANTHROPIC)).willReturn(aResponse().withStatus(307)
			.withHeader("Location", "https://elsewhere.example/v1/messages?token=secret")));

		ProviderException failure = streamFailure(ProviderType.ANTHROPIC);

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.REDIRECT);
		assertThat(failure.getMessage()).contains("elsewhere.example").doesNotContain("secret");
		server.verify(1, postRequestedFor(urlPathEqualTo(ANTHROPIC)));
	}

	@Test
	void anEventOverTheResponseCapIsTooLarge() {
		serve(OPENAI, "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(3000) + "\"}}]}\n\n");

		ProviderException failure = streamFailure(smallProvider(ProviderType.OPENAI));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.RESPONSE_TOO_LARGE);
		assertThat(failure.getMessage()).contains("2 KB cap on one event");
	}

	@Test
	void aStreamOverFourTimesTheResponseCapIsTooLargeThoughEachEventFits() {
		String event = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(1000) + "\"}}]}\n\n";
		serve(OPENAI, event.repeat(9) + "data: [DONE]\n\n");

		ProviderException failure = streamFailure(smallProvider(ProviderType.OPENAI));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.RESPONSE_TOO_LARGE);
		assertThat(failure.getMessage()).contains("8 KB cap on one streamed answer");
	}

	@Test
	void noFailureMessageHoldsTheApiKey() {
		serve(OPENAI, "data: {\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
				+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}\n\n");

		ProviderException failure = streamFailure(ProviderType.OPENAI);

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.AUTH);
		assertThat(failure.getMessage()).doesNotContain(API_KEY);
	}

	private static LlmProvider smallProvider(ProviderType type) {
		return ProviderTestKit.provider(new ProviderSettings(type.wireName() + "-test", type,
				URI.create(baseUrl(server)), API_KEY, ProviderTestKit.defaultModel(type), Duration.ofSeconds(10), 1024,
				Map.of(), 2048, ProviderSettings.DEFAULT_MAX_INPUT_TOKENS));
	}

	private static void serve(String path, String body) {
		server.stubFor(post(urlPathEqualTo(path)).willReturn(eventStream(body)));
	}

	private static ResponseDefinitionBuilder eventStream(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
	}

	private static List<ChatChunk> chunks(ProviderType type) {
		AtomicReference<List<ChatChunk>> chunks = new AtomicReference<>();
		StepVerifier.create(provider(type, baseUrl(server)).stream(ChatRequest.ofUser("Hi")).collectList())
			.consumeNextWith(chunks::set)
			.expectComplete()
			.verify(CALL_TIMEOUT);
		return chunks.get();
	}

	private static ProviderException streamFailure(ProviderType type) {
		return streamFailure(provider(type, baseUrl(server)));
	}

	private static ProviderException streamFailure(LlmProvider provider) {
		ProviderException failure = failure(provider.stream(ChatRequest.ofUser("Hi")).collectList());
		assertThat(failure.getMessage()).doesNotContain(API_KEY);
		return failure;
	}

}
