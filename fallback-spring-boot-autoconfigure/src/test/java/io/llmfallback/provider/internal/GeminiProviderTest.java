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
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.llmfallback.provider.internal.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.settings;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemini generateContent: the request on the wire and the parsing of a
 * GenerateContentResponse.
 */
class GeminiProviderTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@BeforeEach
	void answerWithGenerateContentResponse() {
		server.stubFor(post(urlPathMatching("/v1beta/models/[^/]+:generateContent"))
			.willReturn(okJson(fixture("gemini/generate-content.json"))));
	}

	@Test
	void defaultRequestHasKeyHeaderModelInPathAndConfiguredDefaults() {
		LlmProvider gemini = provider(settings(ProviderType.GEMINI, baseUrl(server), API_KEY, 8192,
				Map.of("x-goog-user-project", "llm-fallback-demo")));

		success(gemini.chat(ChatRequest.ofUser("Who took over?")));

		// urlEqualTo: exact path and no query string, so the key never travels as ?key=
		server.verify(1,
				postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
					.withHeader("x-goog-api-key", equalTo(API_KEY))
					.withHeader("x-goog-user-project", equalTo("llm-fallback-demo"))
					.withHeader("Authorization", absent())
					.withHeader("Content-Type", containing("application/json"))
					// strict: no systemInstruction, temperature or responseMimeType when
					// the request sets none
					.withRequestBody(equalToJson("""
							{
							  "contents": [ { "role": "user", "parts": [ { "text": "Who took over?" } ] } ],
							  "generationConfig": { "maxOutputTokens": 8192 }
							}""")));
	}

	@Test
	void fullRequestMapsRolesSystemInstructionAndGenerationConfig() {
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.system("You are terse."), ChatMessage.user("Name one fallback trigger."),
						ChatMessage.assistant("Timeouts."), ChatMessage.user("Answer as JSON.")),
				"gemini-2.5-pro", 300, 0.2, ResponseFormat.JSON);

		success(provider(ProviderType.GEMINI, baseUrl(server)).chat(request));

		server.verify(1, postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-pro:generateContent"))
			.withRequestBody(equalToJson("""
					{
					  "systemInstruction": { "parts": [ { "text": "You are terse." } ] },
					  "contents": [
					    { "role": "user", "parts": [ { "text": "Name one fallback trigger." } ] },
					    { "role": "model", "parts": [ { "text": "Timeouts." } ] },
					    { "role": "user", "parts": [ { "text": "Answer as JSON." } ] }
					  ],
					  "generationConfig": {
					    "maxOutputTokens": 300,
					    "temperature": 0.2,
					    "responseMimeType": "application/json"
					  }
					}""")));
	}

	@Test
	void parsesGenerateContentResponseCountingThoughtsAsOutput() {
		ChatResponse response = success(
				provider(ProviderType.GEMINI, baseUrl(server)).chat(ChatRequest.ofUser("Who took over?")));

		assertThat(response.text()).isEqualTo("Gemini took over after the primary answered 529 twice.");
		assertThat(response.finishReason()).isEqualTo("STOP");
		assertThat(response.isTruncated()).isFalse();
		// thinking tokens are billed as output: candidatesTokenCount 14 +
		// thoughtsTokenCount 48
		assertThat(response.usage()).isEqualTo(new TokenUsage(31, 62));
		assertThat(response.model()).isEqualTo("gemini-2.5-flash");
		assertThat(response.provider()).isEqualTo("gemini-test");
		assertThat(response.latency()).isPositive().isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void leavesThoughtSummaryPartsOutOfTheText() {
		server.stubFor(post(urlPathMatching("/v1beta/models/[^/]+:generateContent"))
			.willReturn(okJson(fixture("gemini/generate-content-thought-summary.json"))));

		ChatResponse response = success(
				provider(ProviderType.GEMINI, baseUrl(server)).chat(ChatRequest.ofUser("Which model for summaries?")));

		assertThat(response.text()).isEqualTo("Use the cheaper model for summaries.");
		assertThat(response.usage()).isEqualTo(new TokenUsage(20, 121));
		assertThat(response.model()).isEqualTo("gemini-2.5-pro");
	}

	@Test
	void cachedContentTokensArePartOfThePromptTokens() {
		server.stubFor(post(urlPathMatching("/v1beta/models/[^/]+:generateContent"))
			.willReturn(okJson(fixture("gemini/generate-content-cached.json"))));

		ChatResponse response = success(
				provider(ProviderType.GEMINI, baseUrl(server)).chat(ChatRequest.ofUser("Failover steps?")));

		// promptTokenCount includes cachedContentTokenCount; output is candidates 14 +
		// thoughts 45.
		assertThat(response.usage()).isEqualTo(new TokenUsage(4142, 59, 4096));
		assertThat(response.usage().uncachedInputTokens()).isEqualTo(46);
	}

	@Test
	void answerCutOffByTheTokenLimitKeepsItsTextAndFinishReason() {
		server.stubFor(post(urlPathMatching("/v1beta/models/[^/]+:generateContent"))
			.willReturn(okJson(fixture("gemini/generate-content-max-tokens.json"))));

		ChatResponse response = success(provider(ProviderType.GEMINI, baseUrl(server)).chat(new ChatRequest(
				List.of(ChatMessage.user("Summarize as JSON.")), null, 256, null, ResponseFormat.TEXT)));

		assertThat(response.text())
			.isEqualTo("{\"summary\": \"The primary answered 503 three times, so the breaker opened and");
		assertThat(response.finishReason()).isEqualTo("MAX_TOKENS");
		assertThat(response.isTruncated()).isTrue();
		assertThat(response.usage()).isEqualTo(new TokenUsage(23, 256));
	}

}
