package io.llmfallback.chain.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.cost.Pricing;
import io.llmfallback.cost.internal.ModelPrices;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain's fallback token cap over real HTTP, once for each wire format: the primary
 * fails, the fallback receives {@code fallback-max-tokens} in its own request field, uses
 * all of it, and the served answer says honestly that the limit cut it off.
 */
class FallbackTokenCapHttpTest {

	// Every provider's own output cap; the chain lowers the fallback's to its
	// fallback-max-tokens.
	private static final int PROVIDER_MAX_TOKENS = 4096;

	private final MutableClock clock = new MutableClock();

	private WireMockServer primary;

	private WireMockServer fallback;

	@BeforeEach
	void startProviders() {
		this.primary = WireMockProviders.started();
		this.fallback = WireMockProviders.started();
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(503, "server_error", "", "The engine is currently overloaded")));
	}

	@AfterEach
	void stopProviders() {
		this.primary.stop();
		this.fallback.stop();
	}

	static Stream<Arguments> fallbacks() {
		return Stream.of(
				Arguments.of(ProviderType.OPENAI, "gpt-4o-mini", "/v1/chat/completions", "$.max_tokens", 16,
						"openai/chat-completion-length.json", "length", "{\"summary\": \"The primary timed out after",
						new TokenUsage(311, 16), new BigDecimal("0.0000562500")),
				Arguments.of(ProviderType.ANTHROPIC, "claude-sonnet-4-5", "/v1/messages", "$.max_tokens", 256,
						"anthropic/message-thinking.json", "max_tokens",
						"1. Open breakers cost nothing. 2. The retry budget caps", new TokenUsage(122, 256),
						new BigDecimal("0.0042060000")),
				Arguments.of(ProviderType.GEMINI, "gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:generateContent",
						"$.generationConfig.maxOutputTokens", 256, "gemini/generate-content-max-tokens.json",
						"MAX_TOKENS", "{\"summary\": \"The primary answered 503 three times, so the breaker opened and",
						new TokenUsage(23, 256), new BigDecimal("0.0006469000")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fallbacks")
	void fallbackGetsTheCapAndItsCutOffAnswerIsReportedAsTruncated(ProviderType type, String model, String path,
			String maxTokensField, int cap, String fixture, String finishReason, String text, TokenUsage usage,
			BigDecimal cost) throws IOException {
		this.fallback.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(Fixtures.read(fixture))));
		FallbackChain chain = chain(cap, type, model);

		ChainResponse served = chain.chat(ChatRequest.ofUser("Summarize the incident as JSON.")).block();

		this.primary.verify(1, postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo(String.valueOf(PROVIDER_MAX_TOKENS)))));
		this.fallback.verify(1, postRequestedFor(urlPathEqualTo(path))
			.withRequestBody(matchingJsonPath(maxTokensField, equalTo(String.valueOf(cap)))));
		assertThat(served.isFallback()).isTrue();
		assertThat(served.attempts()).extracting(AttemptRecord::label).containsExactly("overloaded", "success");
		ChatResponse response = served.response();
		assertThat(response.provider()).isEqualTo("fallback");
		assertThat(response.text()).isEqualTo(text);
		assertThat(response.finishReason()).isEqualTo(finishReason);
		assertThat(response.isTruncated()).isTrue();
		assertThat(response.usage()).isEqualTo(usage);
		assertThat(response.usage().outputTokens()).isEqualTo(cap);
		// The failed primary billed nothing; the fallback is charged at its model's list
		// price.
		assertThat(served.costUsd()).isEqualTo(cost);
	}

	private FallbackChain chain(int fallbackMaxTokens, ProviderType fallbackType, String fallbackModel) {
		List<LlmProvider> providers = List.of(provider("primary", ProviderType.OPENAI, this.primary, "gpt-4o"),
				provider("fallback", fallbackType, this.fallback, fallbackModel));
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of("primary", BreakerSettings.DEFAULTS, "fallback", BreakerSettings.DEFAULTS), this.clock,
				(transition) -> {
				});
		Map<String, Pricing> pricing = Map.of("primary", ModelPrices.forModel("gpt-4o"), "fallback",
				ModelPrices.forModel(fallbackModel));
		ChainSettings settings = new ChainSettings("cap", List.of("primary", "fallback"), Duration.ofSeconds(20),
				fallbackMaxTokens, ChainSettings.DEFAULT_FALLBACK_ON);
		return new DefaultFallbackChain(settings, providers, breakers, pricing, (outcome) -> {
		});
	}

	private static LlmProvider provider(String name, ProviderType type, WireMockServer server, String model) {
		return LlmProviders.create(new ProviderSettings(name, type, URI.create(server.baseUrl()), "test-key", model,
				Duration.ofSeconds(5), PROVIDER_MAX_TOKENS, Map.of()), WebClient.builder());
	}

}
