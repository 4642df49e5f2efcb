package io.llmfallback.provider.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.closedPort;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An API key, whole or masked, never reaches an exception message or a printed settings
 * object.
 */
class ProviderSecretsTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	private static final ChatRequest REQUEST = ChatRequest.ofUser("Hi");

	@Test
	void openAiUnauthorizedEchoOfTheMaskedKeyIsRedacted() {
		server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(fixture("openai/error-401-invalid-api-key.json"))));

		ProviderException ex = failure(provider(ProviderType.OPENAI, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(FailureCategory.AUTH);
		assertThat(ex.getHttpStatus()).isEqualTo(401);
		assertThat(ex.getMessage()).contains("invalid_api_key: Incorrect API key provided: [redacted]")
			.doesNotContain(API_KEY)
			.doesNotContain("sk-proj")
			.doesNotContain("abc***")
			.doesNotContain("xyz9")
			.doesNotContain("***");
	}

	/**
	 * Keys of each provider's format, and one of no known format (a self-hosted
	 * gateway's).
	 */
	static Stream<Arguments> echoedKeys() {
		List<String> keys = List.of(API_KEY, "sk-ant-api03-Xq7vN2kLm9Pz4Rt8Wc1Yb6Hd3Fj0Gs5Ue-AbCdEfGhIj_KlMnOpQrStUvW",
				"AIzaSyD4k9Xq7vN2kLm9Pz4Rt8Wc1Yb6Hd3Fj0G", "gw-7Kp2Qx9Lm4Rt8Vn3Bz6Hc1Jd5");
		List<Arguments> cases = new ArrayList<>();
		for (ProviderType type : ProviderTestKit.httpTypes()) {
			keys.forEach((key) -> cases.add(Arguments.of(type, key)));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} echoing {1}")
	@MethodSource("echoedKeys")
	void errorBodyEchoingTheConfiguredKeyIsRedacted(ProviderType type, String key) {
		String message = "Invalid credentials: " + key + " was rejected";
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(errorEnvelope(type, message))));
		LlmProvider provider = provider(settings(type, baseUrl(server), key, 256, Map.of()));

		ProviderException ex = failure(provider.chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(FailureCategory.AUTH);
		assertThat(ex.getMessage()).contains("Invalid credentials: [redacted] was rejected")
			.doesNotContain(key)
			.doesNotContain(key.substring(0, 8))
			.doesNotContain(key.substring(key.length() - 6));
	}

	@Test
	void maskedEchoOfAKeyOfNoKnownFormatIsRedacted() {
		String key = "gw-7Kp2Qx9Lm4Rt8Vn3Bz6Hc1Jd5";
		server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(errorEnvelope(ProviderType.OPENAI,
					"Incorrect API key provided: gw-7Kp2*****************1Jd5. You can find your API key at https://platform.openai.com/account/api-keys."))));
		LlmProvider gateway = provider(settings(ProviderType.OPENAI, baseUrl(server), key, 256, Map.of()));

		ProviderException ex = failure(gateway.chat(REQUEST));

		assertThat(ex.getMessage()).contains("Incorrect API key provided: [redacted]")
			.contains("https://platform.openai.com/account/api-keys")
			.doesNotContain("gw-7Kp2")
			.doesNotContain("1Jd5")
			.doesNotContain("***");
	}

	@Test
	void keyStraddlingTheDetailLengthCapIsRedactedNotCut() {
		// "authentication_error: " + 268 characters puts the key across the 300-character
		// cap
		String message = "x".repeat(268) + " " + API_KEY;
		server.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(errorEnvelope(ProviderType.ANTHROPIC, message))));

		ProviderException ex = failure(provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getMessage()).endsWith("...").doesNotContain("sk-proj").doesNotContain(API_KEY.substring(0, 5));
	}

	@Test
	void connectionFailureMessageCarriesNoKey() {
		ProviderException ex = failure(provider(ProviderType.GEMINI, "http://127.0.0.1:" + closedPort()).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(FailureCategory.CONNECTION);
		assertThat(ex.getMessage()).doesNotContain(API_KEY);
		assertThat(String.valueOf(ex.getCause())).doesNotContain(API_KEY);
	}

	@Test
	void settingsToStringLeavesTheKeyOutButSaysWhetherThereIsOne() {
		ProviderSettings withKey = new ProviderSettings("gpt", ProviderType.OPENAI,
				URI.create("https://api.openai.com"), API_KEY, "gpt-4o", Duration.ofSeconds(10), 4096,
				Map.of("OpenAI-Organization", "org-Qf3kLm9TzW1xRv7Yp2Hs"));
		ProviderSettings keyless = new ProviderSettings("local", ProviderType.OPENAI,
				URI.create("http://localhost:11434"), "", "llama3.2", Duration.ofSeconds(30), 1024, Map.of());

		assertThat(withKey.toString()).doesNotContain(API_KEY)
			.doesNotContain("sk-proj")
			.doesNotContain("org-Qf3kLm9TzW1xRv7Yp2Hs")
			.contains("apiKey=******")
			.contains("name=gpt")
			.contains("model=gpt-4o")
			.contains("headers=[OpenAI-Organization]");
		assertThat(keyless.toString()).contains("apiKey=<none>");
		assertThat(withKey.hasApiKey()).isTrue();
		assertThat(keyless.hasApiKey()).isFalse();
	}

	private static String errorEnvelope(ProviderType type, String message) {
		String quoted = "\"" + message.replace("\"", "\\\"") + "\"";
		return switch (type) {
			case OPENAI ->
				"""
						{"error": {"message": %s, "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}"""
					.formatted(quoted);
			case ANTHROPIC ->
				"""
						{"type": "error", "error": {"type": "authentication_error", "message": %s}, "request_id": "req_011CSHsTz6"}"""
					.formatted(quoted);
			case GEMINI -> """
					{"error": {"code": 401, "message": %s, "status": "UNAUTHENTICATED"}}""".formatted(quoted);
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

}
