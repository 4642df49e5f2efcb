package io.llmfallback.it;

import io.llmfallback.support.OpenAiStubs;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint exposed as the docs suggest, with no access granted: it reads, but its
 * write operation, which replays a corpus through billed providers, is not there.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=health,info,llmfallback,prometheus",
		"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl" })
class GateWriteAccessIntegrationTests extends AbstractGateApplicationTests {

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

}
