package io.llmfallback.provider.internal;

import java.net.http.HttpClient;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JdkClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.API_KEY;
import static io.llmfallback.provider.internal.ProviderTestKit.defaultModel;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Providers built by the auto-configuration, on the connector Boot auto-configures (which
 * follows redirects unless told otherwise), never follow a redirect: the key and the
 * prompt stay where they were sent, and the chain moves on.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderRedirectHttpTest {

	private static final String PROMPT = "the confidential quarterly figures";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class));

	private WireMockServer redirecting;

	private WireMockServer target;

	private WireMockServer fallback;

	@BeforeEach
	void startServers() {
		this.redirecting = WireMockProviders.started();
		this.target = WireMockProviders.started();
		this.fallback = WireMockProviders.started();
		// Whatever reaches the target is answered as a provider would, so a followed
		// redirect would be served.
		this.target.stubFor(any(anyUrl()).willReturn(OpenAiStubs.completion("from the redirect target", 3, 2)));
		OpenAiStubs.healthy(this.fallback, "from the fallback");
	}

	@AfterEach
	void stopServers() {
		List.of(this.redirecting, this.target, this.fallback).forEach(WireMockServer::stop);
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void redirectToAnotherHostIsNotFollowedAndTheNextProviderServes(ProviderType type) {
		this.redirecting.stubFor(post(urlPathEqualTo(path(type))).willReturn(
				aResponse().withStatus(307).withHeader("Location", url(this.target) + path(type) + "?key=" + API_KEY)));

		this.contextRunner.withPropertyValues(properties(type)).run((context) -> {
			ChainResponse response = chat(context.getBean(FallbackChains.class));

			assertThat(response.text()).isEqualTo("from the fallback");
			assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("redirect", "success");
			assertThat(response.attempts().get(0).httpStatus()).isEqualTo(307);
			assertThat(this.target.getAllServeEvents()).isEmpty();
			assertThat(this.redirecting.getAllServeEvents()).hasSize(1);
		});
	}

	@Test
	void redirectFailureNamesTheStatusAndHostButNotThePathOrQuery() {
		this.redirecting
			.stubFor(post(urlPathEqualTo(path(ProviderType.ANTHROPIC))).willReturn(aResponse().withStatus(301)
				.withHeader("Location", "https://moved.example.com/v1/messages?token=" + API_KEY)));

		this.contextRunner.withPropertyValues(properties(ProviderType.ANTHROPIC)).run((context) -> {
			LlmProvider provider = context.getBean(LlmProviders.class).get("primary");

			ProviderException failure = ProviderTestKit.failure(provider.chat(ChatRequest.ofUser(PROMPT)));

			assertThat(failure.getMessage())
				.isEqualTo("primary failed: redirect (HTTP 301): redirect not followed (to host moved.example.com)");
		});
	}

	@Test
	void redirectLoopIsOneAttempt() {
		this.redirecting.stubFor(post(urlPathEqualTo(path(ProviderType.OPENAI))).willReturn(
				aResponse().withStatus(307).withHeader("Location", url(this.redirecting) + path(ProviderType.OPENAI))));

		this.contextRunner.withPropertyValues(properties(ProviderType.OPENAI)).run((context) -> {
			ChainResponse response = chat(context.getBean(FallbackChains.class));

			assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("redirect", "success");
			assertThat(this.redirecting.getAllServeEvents()).hasSize(1);
		});
	}

	@Test
	void bootPropertyToFollowRedirectsDoesNotApplyToProviders() {
		this.redirecting.stubFor(post(urlPathEqualTo(path(ProviderType.GEMINI))).willReturn(
				aResponse().withStatus(302).withHeader("Location", url(this.target) + path(ProviderType.GEMINI))));

		this.contextRunner.withPropertyValues(properties(ProviderType.GEMINI))
			.withPropertyValues("spring.http.clients.redirects=follow")
			.run((context) -> {
				ChainResponse response = chat(context.getBean(FallbackChains.class));

				assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("redirect", "success");
				assertThat(this.target.getAllServeEvents()).isEmpty();
			});
	}

	/**
	 * Every connector the test class path offers, each with an application customizer
	 * that turns redirects on: Reactor Netty and the JDK's client. Jetty's and
	 * HttpComponents' reactive clients are not on it.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "reactor", "jdk" })
	void connectorCustomizerThatFollowsRedirectsDoesNotApplyToProviders(String connector) {
		this.redirecting.stubFor(post(urlPathEqualTo(path(ProviderType.ANTHROPIC))).willReturn(
				aResponse().withStatus(308).withHeader("Location", url(this.target) + path(ProviderType.ANTHROPIC))));

		this.contextRunner.withPropertyValues(properties(ProviderType.ANTHROPIC))
			.withPropertyValues("spring.http.clients.reactive.connector=" + connector)
			.withBean("followReactor", ClientHttpConnectorBuilderCustomizer.class,
					() -> (ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder>) (builder) -> builder
						.withHttpClientCustomizer((client) -> client.followRedirect(true)))
			.withBean("followJdk", ClientHttpConnectorBuilderCustomizer.class,
					() -> (ClientHttpConnectorBuilderCustomizer<JdkClientHttpConnectorBuilder>) (builder) -> builder
						.withHttpClientCustomizer((client) -> client.followRedirects(HttpClient.Redirect.ALWAYS)))
			.run((context) -> {
				assertThat(context.getBean(ClientHttpConnectorBuilder.class).getClass().getSimpleName())
					.startsWithIgnoringCase(connector);
				ChainResponse response = chat(context.getBean(FallbackChains.class));

				assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("redirect", "success");
				assertThat(this.target.getAllServeEvents()).isEmpty();
			});
	}

	/**
	 * A connector builder of the application's own kind, whose client follows redirects:
	 * nothing can switch them off on it, so provider calls go through the JDK's client
	 * instead.
	 */
	@Test
	void aConnectorOfTheApplicationsOwnKindIsNotUsedForProviders(CapturedOutput output) {
		this.redirecting.stubFor(post(urlPathEqualTo(path(ProviderType.OPENAI))).willReturn(
				aResponse().withStatus(307).withHeader("Location", url(this.target) + path(ProviderType.OPENAI))));

		this.contextRunner.withPropertyValues(properties(ProviderType.OPENAI))
			.withBean(ClientHttpConnectorBuilder.class,
					() -> (ClientHttpConnectorBuilder<ClientHttpConnector>) (
							settings) -> new ReactorClientHttpConnector(
									reactor.netty.http.client.HttpClient.create().followRedirect(true)))
			.run((context) -> {
				ChainResponse response = chat(context.getBean(FallbackChains.class));

				assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("redirect", "success");
				assertThat(this.target.getAllServeEvents()).isEmpty();
				assertThat(output.getAll()).containsOnlyOnce("LLM provider calls use the JDK HTTP client instead of");
			});
	}

	private ChainResponse chat(FallbackChains chains) {
		return chains.chain("chat").chat(ChatRequest.ofUser(PROMPT)).block();
	}

	private static String url(WireMockServer server) {
		return "http://127.0.0.1:" + server.port();
	}

	private String[] properties(ProviderType primaryType) {
		return new String[] { "llm.fallback.providers.primary.type=" + primaryType.wireName(),
				"llm.fallback.providers.primary.base-url=" + url(this.redirecting),
				"llm.fallback.providers.primary.model=" + defaultModel(primaryType),
				"llm.fallback.providers.primary.api-key=" + API_KEY, "llm.fallback.providers.backup.type=openai",
				"llm.fallback.providers.backup.base-url=" + url(this.fallback),
				"llm.fallback.providers.backup.model=gpt-4o", "llm.fallback.providers.backup.api-key=sk-backup-key-123",
				"llm.fallback.chains.chat.providers=primary,backup" };
	}

}
