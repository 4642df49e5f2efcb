package io.llmfallback.provider.internal;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.defaultModel;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.mutatedFixture;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.settings;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static io.llmfallback.provider.internal.ProviderTestKit.successFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What every wire protocol does the same way: laziness, base-URL prefixes, keyless
 * endpoints, model names.
 */
class ProviderContractTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void sendsNothingUntilSubscribedAndOneRequestPerSubscription(ProviderType type) {
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(okJson(fixture(successFixture(type)))));
		Mono<ChatResponse> call = provider(type, baseUrl(server)).chat(ChatRequest.ofUser("Hi"));

		server.verify(0, anyRequestedFor(anyUrl()));
		success(call);
		success(call);

		// a resubscription (a chain's retry) is a fresh request
		server.verify(2, postRequestedFor(urlPathEqualTo(path(type))));
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void keepsThePathPrefixOfTheBaseUrl(ProviderType type) {
		server.stubFor(post(urlEqualTo("/llm-gateway" + path(type))).willReturn(okJson(fixture(successFixture(type)))));
		LlmProvider behindGateway = provider(type, baseUrl(server) + "/llm-gateway/");

		ChatResponse response = success(behindGateway.chat(ChatRequest.ofUser("Hi")));

		assertThat(response.text()).isNotBlank();
		server.verify(1, postRequestedFor(urlEqualTo("/llm-gateway" + path(type))));
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void sendsNoCredentialWhenNoKeyIsConfigured(ProviderType type) {
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(okJson(fixture(successFixture(type)))));
		LlmProvider keyless = provider(settings(type, baseUrl(server), "", 512, Map.of()));

		success(keyless.chat(ChatRequest.ofUser("Hi")));

		server.verify(1,
				postRequestedFor(urlEqualTo(path(type))).withHeader("Authorization", absent())
					.withHeader("x-api-key", absent())
					.withHeader("x-goog-api-key", absent()));
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void reportsTheRequestedModelWhenTheResponseNamesNone(ProviderType type) {
		String withoutModel = mutatedFixture(successFixture(type), (body) -> {
			body.remove("model");
			body.remove("modelVersion");
		});
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(okJson(withoutModel)));

		ChatResponse response = success(provider(type, baseUrl(server)).chat(ChatRequest.ofUser("Hi")));

		assertThat(response.model()).isEqualTo(defaultModel(type));
		assertThat(response.text()).isNotBlank();
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void createsTheImplementationOfTheConfiguredProtocol(ProviderType type) {
		ProviderSettings settings = new ProviderSettings("primary", type, URI.create("http://127.0.0.1:1"), "k",
				"some-model", Duration.ofSeconds(7), 333, Map.of());

		LlmProvider provider = LlmProviders.create(settings, WebClient.builder());

		assertThat(provider).isInstanceOf(switch (type) {
			case OPENAI -> OpenAiProvider.class;
			case ANTHROPIC -> AnthropicProvider.class;
			case GEMINI -> GeminiProvider.class;
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		});
		assertThat(provider.name()).isEqualTo("primary");
		assertThat(provider.type()).isEqualTo(type);
		assertThat(provider.model()).isEqualTo("some-model");
		assertThat(provider.maxTokens()).isEqualTo(333);
		assertThat(provider.timeout()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void registryFindsProvidersByNameInConfiguredOrder() {
		LlmProvider gpt = provider(ProviderType.OPENAI, "http://127.0.0.1:1");
		LlmProvider claude = provider(ProviderType.ANTHROPIC, "http://127.0.0.1:1");
		LlmProviders providers = new LlmProviders(List.of(gpt, claude));

		assertThat(providers.get("anthropic-test")).isSameAs(claude);
		assertThat(providers.all()).containsExactly(gpt, claude);
		assertThatIllegalArgumentException().isThrownBy(() -> providers.get("mistral"))
			.withMessageContaining("'mistral'")
			.withMessageContaining("openai-test")
			.withMessageContaining("anthropic-test");
	}

	@Test
	void geminiAcceptsTheModelsPrefixOfGooglesModelListing() {
		server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
			.willReturn(okJson(fixture(successFixture(ProviderType.GEMINI)))));
		LlmProvider gemini = provider(ProviderType.GEMINI, baseUrl(server));

		success(gemini.chat(ChatRequest.ofUser("Hi").withModel("models/gemini-2.5-flash")));

		server.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")));
	}

}
