package io.llmfallback.provider;

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
import static io.llmfallback.provider.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.ProviderTestKit.CALL_TIMEOUT;
import static io.llmfallback.provider.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.ProviderTestKit.failure;
import static io.llmfallback.provider.ProviderTestKit.fixture;
import static io.llmfallback.provider.ProviderTestKit.provider;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streamed answers of the three wire formats through real HTTP: the request that switches streaming on, the
 * chunks, the finish reason, usage and model on the last chunk, and each way a stream fails, typed.
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
		server.verify(postRequestedFor(urlPathEqualTo(OPENAI))
			.withHeader("Accept", containing("text/event-stream"))
			.withRequestBody(equalToJson("{\"model\":\"gpt-4o\",\"stream\":true,"
					+ "\"stream_options\":{\"include_usage\":true}}", true, true)));
	}

	@Test
	void anthropicStreamsTextDeltasWithInputUsageFromTheStartAndOutputUsageFromTheEnd() {
		serve(ANTHROPIC, fixture("anthropic/message-stream.sse"));

		List<ChatChunk> chunks = chunks(ProviderType.ANTHROPIC);

		assertThat(chunks).containsExactly(new ChatChunk("Hello", null, null, "claude-sonnet-4-5-20250929"),
				new ChatChunk("!", null, null, "claude-sonnet-4-5-20250929"),
				new ChatChunk("", "end_turn", new TokenUsage(25, 15, 0), "claude-sonnet-4-5-20250929"));
		server.verify(postRequestedFor(urlPathEqualTo(ANTHROPIC))
			.withHeader("anthropic-version", equalTo("2023-06-01"))
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
		serve(ANTHROPIC, fixture("anthropic/message-stream.sse")
			.replace(",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}", "")
			.replace(",\"usage\":{\"output_tokens\":15}", ""));

		List<ChatChunk> chunks = chunks(ProviderType.ANTHROPIC);

		assertThat(chunks.get(chunks.size() - 1)).isEqualTo(new ChatChunk("", "end_turn", null,
				"claude-sonnet-4-5-20250929"));
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
