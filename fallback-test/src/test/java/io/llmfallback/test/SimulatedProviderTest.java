package io.llmfallback.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The simulators against the starter's own provider clients: what they answer must parse,
 * and each injected fault must land in the failure category the real API's answer would.
 */
class SimulatedProviderTest extends SimulatorTestSupport {

	private static final String PROMPT = "Why is the sky blue?";

	// 17 words; the four of eight characters or more are duplicate, Thursday, bookkeeper
	// and watching.
	private static final String TICKET = "Charged twice for the March invoice. Please refund the duplicate payment "
			+ "before Thursday, our bookkeeper is watching.";

	@Test
	void openAiAnswerEchoesThePromptWithTokenCounts() {
		StepVerifier.create(provider(OPENAI).chat(ChatRequest.ofUser(PROMPT))).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("openai-sim echoes: Why is the sky blue?");
			assertThat(response.finishReason()).isEqualTo("stop");
			assertThat(response.model()).isEqualTo("test-model");
			// 5 prompt words and a 7-word answer at 1.3 tokens a word, rounded up.
			assertThat(response.usage().inputTokens()).isEqualTo(7);
			assertThat(response.usage().outputTokens()).isEqualTo(10);
		}).verifyComplete();
	}

	@Test
	void openAiAnswerIsCutAtMaxTokens() {
		StepVerifier.create(provider(OPENAI).chat(ChatRequest.ofUser(PROMPT).withMaxTokens(5)))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("openai-sim echoes: Why");
				assertThat(response.finishReason()).isEqualTo("length");
				assertThat(response.usage().outputTokens()).isEqualTo(4);
			})
			.verifyComplete();
	}

	@Test
	void anthropicAnswerCountsTheSystemPrompt() {
		ChatRequest request = ChatRequest.ofUser(PROMPT).withSystem("Answer in one sentence.");
		StepVerifier.create(provider(ANTHROPIC).chat(request)).assertNext((response) -> {
			// Terser than openai-sim: 60% of the prompt's 5 words, rounded up.
			assertThat(response.text()).isEqualTo("anthropic-sim echoes: Why is the");
			assertThat(response.finishReason()).isEqualTo("end_turn");
			assertThat(response.usage().inputTokens()).isEqualTo(Completion.tokens(4 + 5));
			assertThat(response.usage().outputTokens()).isEqualTo(Completion.tokens(5));
		}).verifyComplete();
	}

	@Test
	void anthropicAnswerIsCutAtMaxTokens() {
		StepVerifier.create(provider(ANTHROPIC).chat(ChatRequest.ofUser(PROMPT).withMaxTokens(3)))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("anthropic-sim echoes:");
				assertThat(response.finishReason()).isEqualTo("max_tokens");
				assertThat(response.usage().outputTokens()).isEqualTo(3);
			})
			.verifyComplete();
	}

	@Test
	void openAiAnswersATicketExtractionInJsonMode() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withResponseFormat(ResponseFormat.JSON);
		StepVerifier.create(provider(OPENAI).chat(request)).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("{\"title\":\"Charged twice for the March invoice.\","
					+ "\"summary\":\"" + TICKET + "\",\"sentiment\":\"neutral\","
					+ "\"keywords\":[\"duplicate\",\"thursday\",\"bookkeeper\"]}");
			assertThat(response.finishReason()).isEqualTo("stop");
			// The ticket's 17 words and the 9 of the JSON instruction the OpenAI client
			// adds, as no message names JSON.
			assertThat(response.usage().inputTokens()).isEqualTo(Completion.tokens(9 + 17));
			// 6 title and 17 summary words, in 22 space-separated pieces: the title's
			// last word and the summary's first are one.
			assertThat(response.usage().outputTokens()).isEqualTo(Completion.tokens(22));
		}).verifyComplete();
	}

	@Test
	void openAiAnswersJsonWhenTheSystemPromptAsksForIt() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withSystem("Extract the ticket as json.");
		StepVerifier.create(provider(OPENAI).chat(request)).assertNext((response) -> {
			assertThat(response.text()).startsWith("{\"title\":\"Charged twice for the March invoice.\",");
			assertThat(response.usage().inputTokens()).isEqualTo(Completion.tokens(5 + 17));
		}).verifyComplete();
	}

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
	void openAiJsonAnswerIsCutAtMaxTokens() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withResponseFormat(ResponseFormat.JSON).withMaxTokens(10);
		StepVerifier.create(provider(OPENAI).chat(request)).assertNext((response) -> {
			// 7 pieces fit in 10 tokens: no longer valid JSON, as a real model's answer
			// cut there is not.
			assertThat(response.text())
				.isEqualTo("{\"title\":\"Charged twice for the March invoice.\",\"summary\":\"Charged twice");
			assertThat(response.finishReason()).isEqualTo("length");
			assertThat(response.usage().outputTokens()).isEqualTo(10);
		}).verifyComplete();
	}

	@Test
	void anthropicAnswersATerserTicketExtractionWhenAskedForJson() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withResponseFormat(ResponseFormat.JSON);
		StepVerifier.create(provider(ANTHROPIC).chat(request)).assertNext((response) -> {
			// The summary is 60% of the 17 words, rounded up: 11, with one word of eight
			// characters or more.
			assertThat(response.text()).isEqualTo("{\"title\":\"Charged twice for the March invoice.\","
					+ "\"summary\":\"Charged twice for the March invoice. Please refund the duplicate payment\","
					+ "\"sentiment\":\"neutral\",\"keywords\":[\"duplicate\"]}");
			assertThat(response.finishReason()).isEqualTo("end_turn");
			// The starter's client asks in the system prompt: "Respond with a single JSON
			// object and nothing else."
			assertThat(response.usage().inputTokens()).isEqualTo(Completion.tokens(9 + 17));
			assertThat(response.usage().outputTokens()).isEqualTo(Completion.tokens(6 + 11 - 1));
		}).verifyComplete();
	}

	@Test
	void anthropicJsonAnswerIsCutAtMaxTokens() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withResponseFormat(ResponseFormat.JSON).withMaxTokens(5);
		StepVerifier.create(provider(ANTHROPIC).chat(request)).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("{\"title\":\"Charged twice for");
			assertThat(response.finishReason()).isEqualTo("max_tokens");
			assertThat(response.usage().outputTokens()).isEqualTo(Completion.tokens(3));
		}).verifyComplete();
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

	@ParameterizedTest(name = "{0} answering {1} is {2}")
	@CsvSource({ "openai-sim, 503, OVERLOADED", "openai-sim, 500, SERVER_ERROR", "openai-sim, 429, RATE_LIMITED",
			"openai-sim, 401, AUTH", "openai-sim, 400, BAD_REQUEST", "anthropic-sim, 529, OVERLOADED",
			"anthropic-sim, 500, SERVER_ERROR", "anthropic-sim, 429, RATE_LIMITED", "anthropic-sim, 401, AUTH",
			"anthropic-sim, 504, TIMEOUT" })
	void injectedStatusIsClassifiedAsTheRealApisWouldBe(String name, int status, FailureCategory category) {
		simulator(name).inject(new Fault(status, Duration.ZERO, false));
		StepVerifier.create(provider(name).chat(ChatRequest.ofUser(PROMPT))).expectErrorSatisfies((ex) -> {
			ProviderException failure = (ProviderException) ex;
			assertThat(failure.getCategory()).isEqualTo(category);
			assertThat(failure.getHttpStatus()).isEqualTo(status);
			assertThat(failure.getRetryAfter()).isEqualTo((status == 429) ? Duration.ofSeconds(1) : null);
		}).verify(Duration.ofSeconds(10));
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
		StepVerifier.create(provider(OPENAI).chat(ChatRequest.ofUser(PROMPT))).expectNextCount(1).verifyComplete();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void eachSimulatorTakesItsProfilesLatencyWhenHealthy() {
		assertThat(simulator(OPENAI).profile().latency()).isEqualTo(Duration.ofMillis(20));
		assertThat(simulator(ANTHROPIC).profile().latency()).isEqualTo(Duration.ofMillis(200));
		long start = System.nanoTime();
		StepVerifier.create(provider(ANTHROPIC).chat(ChatRequest.ofUser(PROMPT))).expectNextCount(1).verifyComplete();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
	}

	@Test
	void partialFaultHitsAnEvenlySpreadShareOfRequests() {
		simulator(OPENAI).inject(new Fault(503, Duration.ZERO, false, 0.25));
		LlmProvider provider = provider(OPENAI);
		List<String> outcomes = Flux.range(1, 12)
			.concatMap((i) -> provider.chat(ChatRequest.ofUser(PROMPT))
				.map((response) -> "ok")
				.onErrorResume(ProviderException.class, (ex) -> Mono.just(String.valueOf(ex.getHttpStatus()))))
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
		StepVerifier.create(provider(ANTHROPIC).chat(ChatRequest.ofUser(PROMPT)).timeout(Duration.ofMillis(500)))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(10));
	}

	private static LlmProvider provider(String name) {
		SimulatedProvider simulator = simulator(name);
		ProviderType type = ProviderType.valueOf(simulator.protocol().name());
		return LlmProviders.create(new ProviderSettings(name, type, simulator.baseUrl(), "", "test-model",
				Duration.ofSeconds(5), 1024, Map.of()), WebClient.builder());
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
