package io.llmfallback.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The simulators' unary answers and faults, read raw over loopback HTTP: the answers and
 * error bodies of the real APIs, the request checks, latency, partial faults and hangs.
 * The runtime module's {@code SimulatedProviderClientTest} reads the same answers and
 * faults through the starter's own provider clients.
 */
class SimulatedProviderTest extends SimulatorTestSupport {

	private static final String PROMPT = "Why is the sky blue?";

	@Test
	void openAiAnswersTheTicketExtractionToAJsonSchemaToo() {
		String request = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Refund my duplicate payment.\"}],"
				+ "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"ticket\",\"schema\":{}}}}";
		post(OPENAI, "/v1/chat/completions", request).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.choices[0].message.content")
			.isEqualTo("{\"title\":\"Refund my duplicate payment.\",\"summary\":\"Refund my duplicate payment.\","
					+ "\"sentiment\":\"neutral\",\"keywords\":[\"duplicate\"]}");
	}

	@Test
	void jsonAnswerLeavesKeywordsOutWhenItsSummaryHasNone() {
		String ticket = "App logs me out on open. Reinstalling did not help.";
		List<String> input = List.of(ticket);
		assertThat(Completion.json(ticket, input, 4096, 100).text())
			.isEqualTo("{\"title\":\"App logs me out on open.\",\"summary\":\"" + ticket
					+ "\",\"sentiment\":\"neutral\",\"keywords\":[\"reinstalling\"]}");
		// 60% of 10 words leaves out the only long one: a terse model writes no keywords
		// at all.
		assertThat(Completion.json(ticket, input, 4096, 60).text())
			.isEqualTo("{\"title\":\"App logs me out on open.\",\"summary\":\"App logs me out on open.\","
					+ "\"sentiment\":\"neutral\"}");
	}

	@Test
	void onlyASystemPromptWithTheWordJsonAsksForJson() {
		assertThat(WireFormat.asksForJson("Respond with a single JSON object and nothing else.")).isTrue();
		assertThat(WireFormat.asksForJson("Answer as json")).isTrue();
		assertThat(WireFormat.asksForJson("Answer in JSONL, one object a line")).isFalse();
		assertThat(WireFormat.asksForJson("Answer in one sentence.")).isFalse();
	}

	@Test
	void openAiErrorHasTheRealApisShape() {
		simulator(OPENAI).inject(new Fault(429, Duration.ZERO, false));
		post(OPENAI, "/v1/chat/completions", "{}").expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals("retry-after", "1")
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("requests")
			.jsonPath("$.error.code")
			.isEqualTo("rate_limit_exceeded")
			.jsonPath("$.error.message")
			.isNotEmpty()
			.jsonPath("$.error.param")
			.isEmpty();
	}

	@Test
	void anthropicErrorHasTheRealApisShape() {
		simulator(ANTHROPIC).inject(new Fault(529, Duration.ZERO, false));
		post(ANTHROPIC, "/v1/messages", "{}").expectStatus()
			.isEqualTo(529)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("error")
			.jsonPath("$.error.type")
			.isEqualTo("overloaded_error")
			.jsonPath("$.error.message")
			.isEqualTo("Overloaded");
	}

	@Test
	void contextLengthFaultIsTheRealApisContextLengthError() {
		simulator(OPENAI).inject(Fault.contextLengthExceeded());
		simulator(ANTHROPIC).inject(Fault.contextLengthExceeded());
		post(OPENAI, "/v1/chat/completions", "{}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.code")
			.isEqualTo("context_length_exceeded");
		post(ANTHROPIC, "/v1/messages", "{}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.message")
			.isEqualTo("prompt is too long: 210000 tokens > 200000 maximum");
	}

	@Test
	void malformedRequestIsRejectedAsTheRealApiWould() {
		post(ANTHROPIC, "/v1/messages", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.message")
			.isEqualTo("max_tokens: Field required");
		post(OPENAI, "/v1/chat/completions", "not json").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error");
	}

	@Test
	void requestBeyondTheSizeCapIsAnsweredWith413InTheProvidersFormat() {
		String prompt = "a ".repeat(SimulatedProvider.MAX_REQUEST_BYTES / 2);
		post(ANTHROPIC, "/v1/messages",
				"{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\"," + "\"content\":\"" + prompt
						+ "\"}]}")
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("request_too_large");
		// Just under the cap, the same request is read and answered.
		String under = prompt.substring(0, prompt.length() - 200);
		post(ANTHROPIC, "/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
				+ "\"content\":\"" + under + "\"}]}")
			.expectStatus()
			.isOk();
	}

	@Test
	void latencyDelaysTheAnswer() {
		simulator(OPENAI).inject(new Fault(null, Duration.ofMillis(300), false));
		long start = System.nanoTime();
		StepVerifier.create(status(OPENAI)).expectNext(200).verifyComplete();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void eachSimulatorTakesItsProfilesLatencyWhenHealthy() {
		assertThat(simulator(OPENAI).profile().latency()).isEqualTo(Duration.ofMillis(20));
		assertThat(simulator(ANTHROPIC).profile().latency()).isEqualTo(Duration.ofMillis(200));
		long start = System.nanoTime();
		StepVerifier.create(status(ANTHROPIC)).expectNext(200).verifyComplete();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
	}

	@Test
	void partialFaultHitsAnEvenlySpreadShareOfRequests() {
		simulator(OPENAI).inject(new Fault(503, Duration.ZERO, false, 0.25));
		List<String> outcomes = Flux.range(1, 12)
			.concatMap((i) -> status(OPENAI).map((status) -> (status == 200) ? "ok" : String.valueOf(status)))
			.collectList()
			.block(Duration.ofSeconds(10));
		// Every fourth request, counted from the injection: never two in a row, so a
		// breaker that opens on consecutive failures stays closed.
		assertThat(outcomes).containsExactly("ok", "ok", "ok", "503", "ok", "ok", "ok", "503", "ok", "ok", "ok", "503");
	}

	@Test
	void faultRateMustBeAShare() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Fault(503, Duration.ZERO, false, 0))
			.withMessage("rate must be above 0 and at most 1, was 0.0");
		assertThatIllegalArgumentException().isThrownBy(() -> new Fault(503, Duration.ZERO, false, 1.5));
	}

	@Test
	void terseProfileEchoesPartOfThePromptRoundedUp() {
		List<String> prompt = List.of("one two three four five six seven eight nine ten");
		assertThat(Completion.of("sim", prompt.get(0), prompt, 4096, 100).text())
			.isEqualTo("sim echoes: one two three four five six seven eight nine ten");
		assertThat(Completion.of("sim", prompt.get(0), prompt, 4096, 60).text())
			.isEqualTo("sim echoes: one two three four five six");
		assertThat(Completion.of("sim", "one two three four five", prompt, 4096, 60).text())
			.isEqualTo("sim echoes: one two three");
		assertThat(Completion.of("sim", "one", prompt, 4096, 1).text()).isEqualTo("sim echoes: one");
	}

	@Test
	void hangNeverAnswers() {
		simulator(ANTHROPIC).inject(new Fault(null, Duration.ZERO, true));
		StepVerifier.create(status(ANTHROPIC).timeout(Duration.ofMillis(500)))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(10));
	}

	/**
	 * The status of the answer to a plain request for the prompt, in the simulator's
	 * format.
	 */
	private static Mono<Integer> status(String name) {
		SimulatedProvider simulator = simulator(name);
		String path = (simulator.protocol() == WireProtocol.OPENAI) ? "/v1/chat/completions" : "/v1/messages";
		return WebClient.create(simulator.baseUrl().toString())
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"m\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
					+ "\"}]}")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()));
	}

	private static WebTestClient.ResponseSpec post(String name, String path, String body) {
		return WebTestClient.bindToServer()
			.baseUrl(simulator(name).baseUrl().toString())
			.build()
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

}
