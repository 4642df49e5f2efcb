package io.llmfallback.it;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint exposed as the docs suggest, with no access granted: it reads, but its
 * write operation, which replays a corpus through billed providers, is not there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,info,llmfallback,prometheus",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.chains.summarize.providers=gpt,claude",
				"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl" })
@AutoConfigureWebTestClient
class GateWriteAccessIntegrationTests {

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
	void exposingTheEndpointDoesNotOpenTheGateRun() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("answer", 10, 5)));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("answer", 10, 5)));

		for (int i = 0; i < 20; i++) {
			this.webClient.post().uri("/actuator/llmfallback/summarize").exchange().expectStatus().isEqualTo(405);
		}

		assertThat(primary.getAllServeEvents()).isEmpty();
		assertThat(secondary.getAllServeEvents()).isEmpty();
		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.fallbackValidation.status")
			.isEqualTo("unvalidated");
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
