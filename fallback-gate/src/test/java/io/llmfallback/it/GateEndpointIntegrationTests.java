package io.llmfallback.it;

import io.llmfallback.support.OpenAiStubs;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback-gate module on the runtime's endpoint and health, in a running WebFlux
 * application: the gate run as a write operation on the chain's configured corpus, its
 * outcome as the chain's {@code fallbackValidation} and in health, without the API key
 * anywhere.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=health,llmfallback",
		"management.endpoint.llmfallback.access=unrestricted", "management.endpoint.health.show-details=always",
		"llm.fallback.providers.gpt.api-key=" + GateEndpointIntegrationTests.API_KEY,
		"llm.fallback.providers.claude.api-key=" + GateEndpointIntegrationTests.API_KEY,
		"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl",
		"llm.fallback.chains.strict.providers=gpt", "llm.fallback.chains.strict.fallback-on=server-error" })
class GateEndpointIntegrationTests extends AbstractGateApplicationTests {

	static final String API_KEY = "sk-proj-Zq9TOPSECRETvalue0123456789";

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

}
