package io.llmfallback.sample;

import java.util.List;

import io.llmfallback.test.SimulatedProviders;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample serves its chains as an OpenAI-compatible API: a streamed completion through
 * a failover comes in OpenAI's chunks, the serving model named, its usage last, then
 * {@code [DONE]}.
 */
class OpenAiEndpointTests extends SampleAppTestSupport {

	@Test
	void aStreamedCompletionFallsOverAndComesInOpenAisChunks() {
		inject(OPENAI, "{\"status\":503}");

		List<String> events = this.client.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"model":"default","stream":true,"stream_options":{"include_usage":true},
					 "messages":[{"role":"user","content":"Why is the sky blue?"}]}""")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(String.class)
			.getResponseBody()
			.collectList()
			.block();

		assertThat(events).first().asString().contains("\"role\":\"assistant\"");
		assertThat(events).last().isEqualTo("[DONE]");
		assertThat(String.join("", events.stream().filter((event) -> event.contains("\"content\":\"a")).toList()))
			.contains("anthropic-sim echoes");
		String usage = events.get(events.size() - 2);
		assertThat(usage).contains("\"choices\":[]", "\"usage\":{\"prompt_tokens\":", "\"model\":\"claude-opus-4-1");
		assertThat(events).allSatisfy((event) -> assertThat(event).doesNotContain("gpt-4o"));
	}

	@Test
	void theModelsAreTheSamplesChains() {
		this.client.get()
			.uri("/v1/models")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("list")
			.jsonPath("$.data[*].id")
			.isEqualTo(List.of("default", "gemini", "summarize", "extract", "assistant"));
	}

}
