package io.llmfallback.it;

import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter in a running WebFlux application: the actuator endpoint and health over
 * HTTP, and the API key nowhere in what the application prints or serves, even when a
 * provider echoes it back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,llmfallback,env,configprops",
				"management.endpoint.llmfallback.access=unrestricted", "management.endpoint.health.show-details=always",
				"management.endpoint.env.show-values=always", "llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=" + ActuatorAndSecretsIntegrationTests.API_KEY,
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.providers.claude.api-key=" + ActuatorAndSecretsIntegrationTests.API_KEY,
				"llm.fallback.providers.claude.pricing.input-per-million-tokens=3",
				"llm.fallback.providers.claude.pricing.output-per-million-tokens=15",
				"llm.fallback.chains.summarize.providers=gpt,claude",
				"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl",
				"llm.fallback.chains.strict.providers=gpt", "llm.fallback.chains.strict.fallback-on=server-error",
				// The same key under a name no rule recognizes, and inside a command line
				// as the JVM records it.
				"deploy.secrets.llm-token=" + ActuatorAndSecretsIntegrationTests.API_KEY,
				"launcher.command=app.jar --llm.fallback.providers.gpt.api-key="
						+ ActuatorAndSecretsIntegrationTests.API_KEY + " --server.port=8080" })
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class ActuatorAndSecretsIntegrationTests {

	static final String API_KEY = "sk-proj-Zq9TOPSECRETvalue0123456789";

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension secondary = WireMockProviders.server();

	@Autowired
	private WebTestClient webClient;

	@Autowired
	private FallbackChains chains;

	@Autowired
	private TestApplication application;

	@Autowired
	private ProviderCircuitBreakers breakers;

	@Autowired
	private ChainStatistics statistics;

	@BeforeEach
	void resetProvidersAndBreakers() {
		primary.resetAll();
		secondary.resetAll();
		this.breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", secondary::baseUrl);
	}

	@Test
	void endpointReportsProvidersBreakersAndChainCountsWithoutTheKey(CapturedOutput output) {
		long requestsBefore = this.statistics.snapshot("summarize").requests();
		long activationsBefore = this.statistics.snapshot("summarize").fallbackActivations();
		// OpenAI's 401 echoes the key it was given, masked; a 500 here echoes it whole.
		primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(aResponse().withStatus(500)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"message\":\"upstream rejected key " + API_KEY
						+ " (sk-proj-Zq9***********6789)\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("fallback text", 1000, 200)));

		ChainResponse served = this.chains.chain("summarize").chat(ChatRequest.ofUser("hello")).block();
		assertThat(served.isFallback()).isTrue();
		assertThat(served.costUsd()).isEqualByComparingTo("0.006");
		assertThat(served.attempts().get(0).toString()).doesNotContain(API_KEY);

		String report = this.webClient.get()
			.uri("/actuator/llmfallback")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.providers.gpt.type")
			.isEqualTo("openai")
			.jsonPath("$.providers.gpt.model")
			.isEqualTo("gpt-4o")
			.jsonPath("$.providers.gpt.circuitBreaker")
			.isEqualTo("CLOSED")
			.jsonPath("$.chains.summarize.providers")
			.isEqualTo(List.of("gpt", "claude"))
			.jsonPath("$.chains.summarize.requests")
			.isEqualTo((int) requestsBefore + 1)
			.jsonPath("$.chains.summarize.fallbackActivations")
			.isEqualTo((int) activationsBefore + 1)
			.jsonPath("$.alerts")
			.isArray()
			.returnResult()
			.toString();
		assertThat(report).doesNotContain(API_KEY).doesNotContain("Zq9");

		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.providers[0]")
			.isEqualTo("gpt")
			.jsonPath("$.settings.fallbackMaxTokens")
			.isEqualTo(2048);
		this.webClient.get().uri("/actuator/llmfallback/nope").exchange().expectStatus().isNotFound();

		assertThat(output.getAll()).doesNotContain(API_KEY).doesNotContain("Zq9***");
	}

	@Test
	void typedErrorsCarryNoKey(CapturedOutput output) {
		primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(401, "invalid_request_error", "invalid_api_key",
					"Incorrect API key provided: sk-proj-Zq9***********6789. You can find your API key at "
							+ "https://platform.openai.com/account/api-keys.")));

		assertThatExceptionOfType(ChainAbortedException.class)
			.isThrownBy(() -> this.chains.chain("strict").chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> {
				assertThat(ex).hasStackTraceContaining("auth (HTTP 401)");
				assertThat(stackTraceOf(ex)).doesNotContain("Zq9").doesNotContain(API_KEY);
			});
		assertThat(output.getAll()).doesNotContain("Zq9");
	}

	@Test
	void healthComponentAndConfigurationEndpointsHideTheKey() {
		String health = this.webClient.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.llmFallback.status")
			.isEqualTo("UP")
			.returnResult()
			.toString();
		assertThat(health).doesNotContain(API_KEY);
		for (String endpoint : List.of("/actuator/configprops", "/actuator/env")) {
			String body = this.webClient.get()
				.uri(endpoint)
				.exchange()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(endpoint).doesNotContain(API_KEY).doesNotContain("TOPSECRET");
		}
		// Masked by value wherever the key appears, the rest of the value kept readable.
		this.webClient.get()
			.uri("/actuator/env/deploy.secrets.llm-token")
			.exchange()
			.expectBody()
			.jsonPath("$.property.value")
			.isEqualTo("******");
		this.webClient.get()
			.uri("/actuator/env/launcher.command")
			.exchange()
			.expectBody()
			.jsonPath("$.property.value")
			.isEqualTo("app.jar --llm.fallback.providers.gpt.api-key=****** --server.port=8080");
	}

	/**
	 * Without the fallback-gate module the chain's gate-corpus is ignored: the gate run
	 * and the review answer 404, no chain has a validation, and health has no gate
	 * details.
	 */
	@Test
	void withoutTheGateModuleTheGateOperationsAreNotFoundAndNoChainIsValidated() {
		this.webClient.post().uri("/actuator/llmfallback/summarize").exchange().expectStatus().isNotFound();
		this.webClient.get().uri("/actuator/llmfallback/summarize/review").exchange().expectStatus().isNotFound();
		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.providers[1]")
			.isEqualTo("claude")
			.jsonPath("$.fallbackValidation")
			.doesNotExist();
		this.webClient.get()
			.uri("/actuator/health/llmFallback")
			.exchange()
			.expectBody()
			.jsonPath("$.details.openBreakers")
			.exists()
			.jsonPath("$.details.fallbacksNotPassingGate")
			.doesNotExist();
		// An unknown chain is still the caller's mistake, module or not.
		this.webClient.post().uri("/actuator/llmfallback/nope").exchange().expectStatus().isBadRequest();
	}

	@Test
	void breakerTransitionsArePublishedAsApplicationEvents() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("ok", 1, 1)));
		for (int i = 0; i < 3; i++) {
			this.chains.chain("summarize").chat(ChatRequest.ofUser("hello")).block();
		}
		assertThat(this.application.transitions).contains("gpt:CLOSED->OPEN");
		this.webClient.get()
			.uri("/actuator/llmfallback")
			.exchange()
			.expectBody()
			.jsonPath("$.providers.gpt.circuitBreaker")
			.isEqualTo("OPEN");
	}

	private static String stackTraceOf(Throwable ex) {
		java.io.StringWriter writer = new java.io.StringWriter();
		ex.printStackTrace(new java.io.PrintWriter(writer));
		return writer.toString();
	}

	@SpringBootApplication
	static class TestApplication {

		final List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();

		@EventListener
		void onTransition(io.llmfallback.chain.internal.BreakerTransition transition) {
			this.transitions.add(transition.provider() + ":" + transition.from() + "->" + transition.to());
		}

	}

}
