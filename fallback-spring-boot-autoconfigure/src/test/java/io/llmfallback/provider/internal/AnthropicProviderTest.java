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

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
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

/** Anthropic messages: the request on the wire and the parsing of a message object. */
class AnthropicProviderTest {

	private static final String PATH = "/v1/messages";

	private static final String JSON_INSTRUCTION = "Respond with a single JSON object and nothing else.";

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@BeforeEach
	void answerWithMessage() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("anthropic/message.json"))));
	}

	@Test
	void defaultRequestHasApiKeyVersionExtraHeadersAndConfiguredDefaults() {
		LlmProvider claude = provider(settings(ProviderType.ANTHROPIC, baseUrl(server), API_KEY, 4096,
				Map.of("anthropic-beta", "context-1m-2025-08-07")));

		success(claude.chat(ChatRequest.ofUser("Which provider answered?")));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH)).withHeader("x-api-key", equalTo(API_KEY))
					.withHeader("anthropic-version", equalTo("2023-06-01"))
					.withHeader("anthropic-beta", equalTo("context-1m-2025-08-07"))
					.withHeader("Authorization", absent())
					.withHeader("Content-Type", containing("application/json"))
					// strict: no system and no temperature when the request sets none
					.withRequestBody(equalToJson("""
							{
							  "model": "claude-sonnet-4-5",
							  "max_tokens": 4096,
							  "messages": [ { "role": "user", "content": "Which provider answered?" } ]
							}""")));
	}

	@Test
	void fullRequestLiftsSystemMessagesAndAsksForJsonInTheSystemPrompt() {
		ChatRequest request = new ChatRequest(List.of(ChatMessage.system("You are terse."),
				ChatMessage.user("Name one fallback trigger."), ChatMessage.assistant("Timeouts."),
				ChatMessage.system("Never mention vendors."), ChatMessage.user("Answer as JSON.")), "claude-haiku-4-5",
				300, 0.2, ResponseFormat.JSON);

		success(provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(request));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{
				  "model": "claude-haiku-4-5",
				  "max_tokens": 300,
				  "system": "You are terse.\\n\\nNever mention vendors.\\n\\n%s",
				  "messages": [
				    { "role": "user", "content": "Name one fallback trigger." },
				    { "role": "assistant", "content": "Timeouts." },
				    { "role": "user", "content": "Answer as JSON." }
				  ],
				  "temperature": 0.2
				}""".formatted(JSON_INSTRUCTION))));
	}

	@Test
	void jsonRequestWithoutSystemPromptGetsTheInstructionAsSystem() {
		success(provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(new ChatRequest(
				List.of(ChatMessage.user("List the attempts.")), null, null, null, ResponseFormat.JSON)));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "system": "%s",
				  "messages": [ { "role": "user", "content": "List the attempts." } ]
				}""".formatted(JSON_INSTRUCTION))));
	}

	@Test
	void configuredVersionHeaderWins() {
		LlmProvider claude = provider(settings(ProviderType.ANTHROPIC, baseUrl(server), API_KEY, 1024,
				Map.of("anthropic-version", "2024-01-01")));

		success(claude.chat(ChatRequest.ofUser("Hi")));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withHeader("anthropic-version", equalTo("2024-01-01")));
	}

	@Test
	void keylessGatewayStillGetsTheVersionHeader() {
		LlmProvider claude = provider(settings(ProviderType.ANTHROPIC, baseUrl(server), "", 1024, Map.of()));

		success(claude.chat(ChatRequest.ofUser("Hi")));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withHeader("anthropic-version", equalTo("2023-06-01"))
			.withHeader("x-api-key", absent()));
	}

	@Test
	void parsesMessageObject() {
		ChatResponse response = success(
				provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(ChatRequest.ofUser("Which provider answered?")));

		assertThat(response.text()).isEqualTo("The fallback answered because the primary's breaker was open.");
		assertThat(response.finishReason()).isEqualTo("end_turn");
		assertThat(response.isTruncated()).isFalse();
		assertThat(response.usage()).isEqualTo(new TokenUsage(48, 17));
		assertThat(response.model()).isEqualTo("claude-sonnet-4-5-20250929");
		assertThat(response.provider()).isEqualTo("anthropic-test");
		assertThat(response.latency()).isPositive().isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void joinsTextBlocksAndLeavesThinkingOut() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("anthropic/message-thinking.json"))));

		ChatResponse response = success(
				provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(ChatRequest.ofUser("Two short points.")));

		assertThat(response.text()).isEqualTo("1. Open breakers cost nothing. 2. The retry budget caps");
		assertThat(response.finishReason()).isEqualTo("max_tokens");
		assertThat(response.isTruncated()).isTrue();
		assertThat(response.usage()).isEqualTo(new TokenUsage(122, 256));
	}

	@Test
	void promptIsInputTokensPlusCacheWritesPlusCacheReads() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("anthropic/message-cached.json"))));

		ChatResponse response = success(provider(ProviderType.ANTHROPIC, baseUrl(server))
			.chat(ChatRequest.ofUser("What does the runbook say about a rate-limited primary?")));

		// input_tokens 24 + cache_creation_input_tokens 1280 + cache_read_input_tokens
		// 3072; only the reads are cached.
		assertThat(response.usage()).isEqualTo(new TokenUsage(4376, 31, 3072));
		assertThat(response.usage().uncachedInputTokens()).isEqualTo(1304);
	}

}
