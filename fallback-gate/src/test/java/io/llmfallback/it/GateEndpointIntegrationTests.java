package io.llmfallback.it;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback-gate module on the runtime's endpoint and health, in a running WebFlux
 * application: the gate run as a write operation on the chain's configured corpus, its
 * outcome as the chain's {@code fallbackValidation} and in health, without the API key
 * anywhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,llmfallback",
				"management.endpoint.llmfallback.access=unrestricted", "management.endpoint.health.show-details=always",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=" + GateEndpointIntegrationTests.API_KEY,
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.providers.claude.api-key=" + GateEndpointIntegrationTests.API_KEY,
				"llm.fallback.chains.summarize.providers=gpt,claude",
				"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl",
				"llm.fallback.chains.strict.providers=gpt", "llm.fallback.chains.strict.fallback-on=server-error" })
@AutoConfigureWebTestClient
class GateEndpointIntegrationTests {

	static final String API_KEY = "sk-proj-Zq9TOPSECRETvalue0123456789";

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension secondary = WireMockProviders.server();

	@Autowired
	private WebTestClient webClient;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", secondary::baseUrl);
	}

	@Test
	void theGateRunsOnTheChainsConfiguredCorpusThroughAWriteOperation() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("x".repeat(500), 100, 50)));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("x".repeat(300), 100, 30)));

		String report = this.webClient.post()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.chain")
			.isEqualTo("summarize")
			.jsonPath("$.corpusSize")
			.isEqualTo(10)
			.jsonPath("$.verdict")
			.isEqualTo("fail")
			.jsonPath("$.primary.provider")
			.isEqualTo("gpt")
			.jsonPath("$.fallbacks[0].provider")
			.isEqualTo("claude")
			.returnResult()
			.toString();
		assertThat(report).contains("mean output length -40.0% vs primary").doesNotContain(API_KEY);
		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectBody()
			.jsonPath("$.fallbackValidation.status")
			.isEqualTo("failed")
			.jsonPath("$.fallbackValidation.corpusSize")
			.isEqualTo(10)
			.jsonPath("$.fallbackValidation.findings[0]")
			.isEqualTo("claude: mean output length -40.0% vs primary (tolerance 15%): FAIL");
		// A chain without fallbacks has nothing to validate.
		this.webClient.get()
			.uri("/actuator/llmfallback/strict")
			.exchange()
			.expectBody()
			.jsonPath("$.fallbackValidation")
			.doesNotExist();
		this.webClient.get()
			.uri("/actuator/health/llmFallback")
			.exchange()
			.expectBody()
			.jsonPath("$.details.fallbacksNotPassingGate.summarize")
			.isEqualTo("failed");

		this.webClient.post().uri("/actuator/llmfallback/strict").exchange().expectStatus().isBadRequest();
		this.webClient.post().uri("/actuator/llmfallback/nope").exchange().expectStatus().isBadRequest();
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
