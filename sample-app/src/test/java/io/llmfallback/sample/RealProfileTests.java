package io.llmfallback.sample;

import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.sample.simulator.SimulatedProvidersInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code real} profile starts without simulators, with chains over the real APIs, and
 * prints neither key. No call is made: the build has no network access to the providers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "OPENAI_API_KEY=" + RealProfileTests.OPENAI_KEY,
				"ANTHROPIC_API_KEY=" + RealProfileTests.ANTHROPIC_KEY })
@ActiveProfiles("real")
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = SimulatedProvidersInitializer.class)
@ExtendWith(OutputCaptureExtension.class)
class RealProfileTests {

	static final String OPENAI_KEY = "sk-proj-test0penaiKey0123456789";

	static final String ANTHROPIC_KEY = "sk-ant-api03-test0anthropicKey0123456789";

	@Autowired
	private WebTestClient client;

	@Autowired
	private ApplicationContext context;

	@Test
	void chainsUseTheRealProvidersAndNoSimulatorRuns() {
		assertThat(this.context.getBeanNamesForType(SimulatedProviders.class)).isEmpty();
		this.client.get().uri("/simulator").exchange().expectStatus().isNotFound();
		// The OpenAI-compatible endpoint is open over the simulators only: in front of
		// real keys it stays off.
		this.client.get().uri("/v1/models").exchange().expectStatus().isNotFound();
		this.client.get()
			.uri("/actuator/llmfallback")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.providers.openai.type")
			.isEqualTo("openai")
			.jsonPath("$.providers.anthropic.type")
			.isEqualTo("anthropic")
			.jsonPath("$.chains.default.providers[0]")
			.isEqualTo("openai")
			.jsonPath("$.chains.summarize.providers[1]")
			.isEqualTo("anthropic")
			.jsonPath("$.providers.openai-sim")
			.doesNotExist();
	}

	@Test
	void keysAreNeitherLoggedNorShown(CapturedOutput output) {
		String report = this.client.get()
			.uri("/actuator/llmfallback")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(report).doesNotContain(OPENAI_KEY, ANTHROPIC_KEY);
		assertThat(output.getAll()).contains("Started RealProfileTests").doesNotContain(OPENAI_KEY, ANTHROPIC_KEY);
	}

}
