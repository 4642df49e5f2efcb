package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.settings;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAI chat completions: the request on the wire and the parsing of a completion
 * object.
 */
class OpenAiProviderTest {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@BeforeEach
	void answerWithCompletion() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("openai/chat-completion.json"))));
	}

	@Test
	void defaultRequestHasBearerKeyExtraHeadersAndConfiguredDefaults() {
		LlmProvider gpt = provider(settings(ProviderType.OPENAI, baseUrl(server), API_KEY, 2048,
				Map.of("OpenAI-Organization", "org-Qf3kLm9TzW1xRv7Yp2Hs", "OpenAI-Project", "proj_Zx81Kd0")));

		success(gpt.chat(ChatRequest.ofUser("Why does an open breaker save latency?")));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + API_KEY))
					.withHeader("OpenAI-Organization", equalTo("org-Qf3kLm9TzW1xRv7Yp2Hs"))
					.withHeader("OpenAI-Project", equalTo("proj_Zx81Kd0"))
					.withHeader("Content-Type", containing("application/json"))
					.withHeader("Accept", containing("application/json"))
					.withHeader("x-api-key", absent())
					// strict: no temperature and no response_format when the request sets
					// none
					.withRequestBody(equalToJson("""
							{
							  "model": "gpt-4o",
							  "messages": [ { "role": "user", "content": "Why does an open breaker save latency?" } ],
							  "max_tokens": 2048
							}""")));
	}

	@Test
	void fullRequestMapsEveryField() {
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.system("You are terse."), ChatMessage.user("Name one fallback trigger."),
						ChatMessage.assistant("Timeouts."), ChatMessage.user("Answer as JSON.")),
				"gpt-4o-mini", 300, 0.2, ResponseFormat.JSON);

		success(provider(ProviderType.OPENAI, baseUrl(server)).chat(request));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{
				  "model": "gpt-4o-mini",
				  "messages": [
				    { "role": "system", "content": "You are terse." },
				    { "role": "user", "content": "Name one fallback trigger." },
				    { "role": "assistant", "content": "Timeouts." },
				    { "role": "user", "content": "Answer as JSON." }
				  ],
				  "max_tokens": 300,
				  "temperature": 0.2,
				  "response_format": { "type": "json_object" }
				}""")));
	}

	@Test
	void jsonModeAddsTheWordJsonThatTheApiRequiresWhenNoMessageHasIt() {
		ChatRequest request = ChatRequest.ofUser("Extract the ticket.").withResponseFormat(ResponseFormat.JSON);

		success(provider(ProviderType.OPENAI, baseUrl(server)).chat(request));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{
				  "model": "gpt-4o",
				  "messages": [
				    { "role": "system", "content": "Respond with a single JSON object and nothing else." },
				    { "role": "user", "content": "Extract the ticket." }
				  ],
				  "max_tokens": 1024,
				  "response_format": { "type": "json_object" }
				}""")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini" })
	void reasoningModelsGetTheirCapAsMaxCompletionTokensAndNoTemperature(String model) {
		success(provider(ProviderType.OPENAI, baseUrl(server))
			.chat(ChatRequest.ofUser("Hi").withModel(model).withTemperature(0.2)));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH))
					.withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("1024")))
					.withRequestBody(matchingJsonPath("$.max_tokens", absent()))
					.withRequestBody(matchingJsonPath("$.temperature", absent())));
	}

	@ParameterizedTest
	@ValueSource(strings = { "gpt-4o", "gpt-4.1-mini", "llama3.1:8b", "omni-moderation", "gpt-50k-local" })
	void otherModelsGetTheirCapAsMaxTokensAndTheirTemperature(String model) {
		success(provider(ProviderType.OPENAI, baseUrl(server))
			.chat(ChatRequest.ofUser("Hi").withModel(model).withTemperature(0.2)));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH))
					.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("1024")))
					.withRequestBody(matchingJsonPath("$.max_completion_tokens", absent()))
					.withRequestBody(matchingJsonPath("$.temperature", equalTo("0.2"))));
	}

	@Test
	void parsesCompletionObject() {
		ChatResponse response = success(provider(ProviderType.OPENAI, baseUrl(server))
			.chat(ChatRequest.ofUser("Why does an open breaker save latency?")));

		assertThat(response.text()).isEqualTo(
				"A breaker that is open skips the provider at once, so the fallback starts with the whole budget left.");
		assertThat(response.finishReason()).isEqualTo("stop");
		assertThat(response.isTruncated()).isFalse();
		assertThat(response.usage()).isEqualTo(new TokenUsage(57, 23));
		assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
		assertThat(response.provider()).isEqualTo("openai-test");
		assertThat(response.latency()).isPositive().isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void truncatedCompletionKeepsLengthFinishReason() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("openai/chat-completion-length.json"))));

		ChatResponse response = success(provider(ProviderType.OPENAI, baseUrl(server)).chat(
				new ChatRequest(List.of(ChatMessage.user("Summarize as JSON.")), null, 16, null, ResponseFormat.TEXT)));

		assertThat(response.text()).isEqualTo("{\"summary\": \"The primary timed out after");
		assertThat(response.finishReason()).isEqualTo("length");
		assertThat(response.isTruncated()).isTrue();
		assertThat(response.usage()).isEqualTo(new TokenUsage(311, 16));
		assertThat(response.model()).isEqualTo("gpt-4o-mini-2024-07-18");
	}

	@Test
	void cachedTokensArePartOfThePromptTokens() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("openai/chat-completion-cached.json"))));

		ChatResponse response = success(provider(ProviderType.OPENAI, baseUrl(server))
			.chat(ChatRequest.ofUser("What does the runbook say about a rate-limited primary?")));

		// prompt_tokens counts the cache hits (prompt_tokens_details.cached_tokens)
		// already.
		assertThat(response.usage()).isEqualTo(new TokenUsage(1871, 21, 1664));
		assertThat(response.usage().uncachedInputTokens()).isEqualTo(207);
	}

}
