package io.llmfallback.sample;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.ANTHROPIC;
import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /assistant}: Spring AI's {@code ChatClient} over the {@code assistant}
 * chain, whose simulated providers call the order-lookup tool, on real HTTP both ways.
 */
class AssistantTests extends SampleAppTestSupport {

	private static final String QUESTION = "{\"question\":\"Where is order A-1042?\"}";

	/** What the tool returns for A-1042, as Spring AI sends it back to the model. */
	private static final String TOOL_RESULT = "{\"orderId\":\"A-1042\",\"status\":\"shipped\"}";

	@Test
	void aFailoverKeepsTheToolCallWorking() {
		inject(OPENAI, "{\"status\":503}");
		assertToolAnswer(ANTHROPIC, "fallback");
		// The tool's result went back to the fallback in Anthropic's format.
		assertThat(this.simulators.get(ANTHROPIC).lastRequest()).hasValueSatisfying(
				(request) -> assertThat(request).contains("\"type\":\"tool_result\"").contains("A-1042"));
	}

	@Test
	void theHealthyPrimaryCallsTheTool() {
		long fallbackRequests = this.simulators.get(ANTHROPIC).requests();
		assertToolAnswer(OPENAI, "primary");
		assertThat(this.simulators.get(ANTHROPIC).requests()).isEqualTo(fallbackRequests);
	}

	@Test
	void anEmptyQuestionIsTheCallersFault() {
		ask("{\"question\":\" \"}").expectStatus().isBadRequest();
	}

	/**
	 * Asks about order A-1042: the lookup ran with the argument the provider's tool call
	 * gave it, and the provider that served the last turn quoted its result.
	 */
	private void assertToolAnswer(String provider, String path) {
		ask(QUESTION).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.toolCalls")
			.isEqualTo(List.of("orderStatus(A-1042)"))
			.jsonPath("$.answer")
			.isEqualTo(provider + " echoes: " + TOOL_RESULT)
			.jsonPath("$.provider")
			.isEqualTo(provider)
			.jsonPath("$.path")
			.isEqualTo(path);
	}

	private WebTestClient.ResponseSpec ask(String question) {
		return this.client.post()
			.uri("/assistant")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(question)
			.exchange();
	}

}
