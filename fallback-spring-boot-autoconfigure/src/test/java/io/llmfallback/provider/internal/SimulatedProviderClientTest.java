package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.Map;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.test.Fault;
import io.llmfallback.test.ModelProfile;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.StreamFault;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit's simulated providers against the runtime's own provider clients, which
 * tests both: what a simulator answers must parse as the real API's answer does, and each
 * injected fault must land in the failure category the real API's answer would. The kit
 * tests its wire formats raw; the chains and the auto-configuration run on it elsewhere.
 */
class SimulatedProviderClientTest {

	private static final String OPENAI = "openai-sim";

	private static final String ANTHROPIC = "anthropic-sim";

	private static final String GEMINI = "gemini-sim";

	private static final String PROMPT = "Why is the sky blue?";

	// 17 words; the four of eight characters or more are duplicate, Thursday, bookkeeper
	// and watching.
	private static final String TICKET = "Charged twice for the March invoice. Please refund the duplicate payment "
			+ "before Thursday, our bookkeeper is watching.";

	@RegisterExtension
	static final SimulatedProviderExtension simulators = new SimulatedProviderExtension()
		.provider(OPENAI, WireProtocol.OPENAI, new ModelProfile(Duration.ofMillis(20), 100))
		.provider(ANTHROPIC, WireProtocol.ANTHROPIC, new ModelProfile(Duration.ofMillis(200), 60))
		.provider(GEMINI, WireProtocol.GEMINI, new ModelProfile(Duration.ofMillis(20), 100));

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
			assertThat(response.usage().inputTokens()).isEqualTo(tokens(4 + 5));
			assertThat(response.usage().outputTokens()).isEqualTo(tokens(5));
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
	void geminiAnswersAsTheGeminiClientExpects() {
		StepVerifier.create(provider(GEMINI).chat(ChatRequest.ofUser(PROMPT))).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("gemini-sim echoes: Why is the sky blue?");
			assertThat(response.finishReason()).isEqualTo("STOP");
			assertThat(response.model()).isEqualTo("gemini-2.5-flash");
			assertThat(response.usage().inputTokens()).isEqualTo(7);
			assertThat(response.usage().outputTokens()).isEqualTo(10);
		}).verifyComplete();
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
			assertThat(response.usage().inputTokens()).isEqualTo(tokens(9 + 17));
			// 6 title and 17 summary words, in 22 space-separated pieces: the title's
			// last word and the summary's first are one.
			assertThat(response.usage().outputTokens()).isEqualTo(tokens(22));
		}).verifyComplete();
	}

	@Test
	void openAiAnswersJsonWhenTheSystemPromptAsksForIt() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withSystem("Extract the ticket as json.");
		StepVerifier.create(provider(OPENAI).chat(request)).assertNext((response) -> {
			assertThat(response.text()).startsWith("{\"title\":\"Charged twice for the March invoice.\",");
			assertThat(response.usage().inputTokens()).isEqualTo(tokens(5 + 17));
		}).verifyComplete();
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
			// The client asks in the system prompt: "Respond with a single JSON object
			// and
			// nothing else."
			assertThat(response.usage().inputTokens()).isEqualTo(tokens(9 + 17));
			assertThat(response.usage().outputTokens()).isEqualTo(tokens(6 + 11 - 1));
		}).verifyComplete();
	}

	@Test
	void anthropicJsonAnswerIsCutAtMaxTokens() {
		ChatRequest request = ChatRequest.ofUser(TICKET).withResponseFormat(ResponseFormat.JSON).withMaxTokens(5);
		StepVerifier.create(provider(ANTHROPIC).chat(request)).assertNext((response) -> {
			assertThat(response.text()).isEqualTo("{\"title\":\"Charged twice for");
			assertThat(response.finishReason()).isEqualTo("max_tokens");
			assertThat(response.usage().outputTokens()).isEqualTo(tokens(3));
		}).verifyComplete();
	}

	@ParameterizedTest(name = "{0} answering {1} is {2}")
	@CsvSource({ "openai-sim, 503, OVERLOADED, 503", "openai-sim, 500, SERVER_ERROR, 500",
			"openai-sim, 429, RATE_LIMITED, 429", "openai-sim, 401, AUTH, 401", "openai-sim, 400, BAD_REQUEST, 400",
			"anthropic-sim, 529, OVERLOADED, 529", "anthropic-sim, 500, SERVER_ERROR, 500",
			"anthropic-sim, 429, RATE_LIMITED, 429", "anthropic-sim, 401, AUTH, 401",
			"anthropic-sim, 504, TIMEOUT, 504", "gemini-sim, 503, OVERLOADED, 503",
			"gemini-sim, 500, SERVER_ERROR, 500", "gemini-sim, 429, RATE_LIMITED, 429", "gemini-sim, 401, AUTH, 400",
			"gemini-sim, 504, TIMEOUT, 504" })
	void injectedStatusIsClassifiedAsTheRealApisWouldBe(String name, int status, FailureCategory category,
			int answered) {
		simulators.get(name).inject(Fault.ofStatus(status));
		StepVerifier.create(provider(name).chat(ChatRequest.ofUser(PROMPT))).expectErrorSatisfies((ex) -> {
			ProviderException failure = (ProviderException) ex;
			assertThat(failure.getCategory()).isEqualTo(category);
			// Google answers a bad key with its 400 API_KEY_INVALID.
			assertThat(failure.getHttpStatus()).isEqualTo(answered);
			assertThat(failure.getRetryAfter()).isEqualTo((status == 429) ? Duration.ofSeconds(1) : null);
		}).verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(strings = { OPENAI, ANTHROPIC, GEMINI })
	void contextLengthFaultIsAContextLengthFailure(String name) {
		simulators.get(name).inject(Fault.contextLengthExceeded());
		StepVerifier.create(provider(name).chat(ChatRequest.ofUser(PROMPT))).expectErrorSatisfies((ex) -> {
			ProviderException failure = (ProviderException) ex;
			assertThat(failure.getCategory()).isEqualTo(FailureCategory.CONTEXT_LENGTH);
			assertThat(failure.getHttpStatus()).isEqualTo(400);
		}).verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest(name = "{0} with {1} is {2}")
	@CsvSource({ "openai-sim, ERROR_EVENT, SERVER_ERROR, one two three",
			"anthropic-sim, ERROR_EVENT, OVERLOADED, one two three",
			"gemini-sim, ERROR_EVENT, OVERLOADED, one two three",
			"openai-sim, MALFORMED, INVALID_RESPONSE, one two three",
			"anthropic-sim, MALFORMED, INVALID_RESPONSE, one two three",
			"gemini-sim, MALFORMED, INVALID_RESPONSE, one two three", "openai-sim, CUT, CONNECTION, one two three",
			"anthropic-sim, CUT, CONNECTION, one two three", "gemini-sim, CUT, CONNECTION, one two three",
			"openai-sim, NO_TERMINATOR, STREAM_TRUNCATED, one two three four five six",
			"anthropic-sim, NO_TERMINATOR, STREAM_TRUNCATED, one two three four five six",
			"gemini-sim, NO_TERMINATOR, STREAM_TRUNCATED, one two three four five six" })
	void streamFaultIsTheFailureTheRealStreamWouldBe(String name, StreamFault.Kind kind, FailureCategory category,
			String delivered) {
		simulators.get(name).answerWith("one two three four five six");
		simulators.get(name).inject(new Fault(new StreamFault(kind, 1, Duration.ZERO)));
		StringBuilder text = new StringBuilder();
		StepVerifier
			.create(provider(name).stream(ChatRequest.ofUser(PROMPT)).doOnNext((chunk) -> text.append(chunk.text())))
			.thenConsumeWhile((chunk) -> true)
			.expectErrorSatisfies((ex) -> assertThat(((ProviderException) ex).getCategory()).isEqualTo(category))
			.verify(Duration.ofSeconds(10));
		// The chunks before the fault reach the caller, each in its own event.
		assertThat(text).hasToString(delivered);
	}

	@Test
	void scriptedAnswerStreamsInChunks() {
		simulators.get(OPENAI).answerWith("one two three four five");
		StepVerifier
			.create(provider(OPENAI).stream(ChatRequest.ofUser("hi")).map(ChatChunk::text).filter((t) -> !t.isEmpty()))
			.expectNext("one two three", " four five")
			.verifyComplete();
	}

	@Test
	void lastRequestIsTheBodyTheClientSent() {
		SimulatedProvider gpt = simulators.get(OPENAI);
		provider(OPENAI).chat(ChatRequest.ofUser("first")).block();
		provider(OPENAI).chat(ChatRequest.ofUser("second").withMaxTokens(256)).block();
		JsonNode sent = JsonMapper.builder().build().readTree(gpt.lastRequest().orElseThrow());
		assertThat(sent.path("model").stringValue()).isEqualTo("test-model");
		assertThat(sent.path("max_tokens").asInt()).isEqualTo(256);
		assertThat(sent.path("messages").get(0).path("content").stringValue()).isEqualTo("second");
		assertThat(gpt.requests()).isEqualTo(2);
	}

	/** The simulators' token count: 1.3 tokens a word, rounded up. */
	private static long tokens(int words) {
		return (words * 13 + 9) / 10;
	}

	private static LlmProvider provider(String name) {
		SimulatedProvider simulator = simulators.get(name);
		ProviderType type = ProviderType.valueOf(simulator.protocol().name());
		String model = (type == ProviderType.GEMINI) ? "gemini-2.5-flash" : "test-model";
		return LlmProviders.create(
				new ProviderSettings(name, type, simulator.baseUrl(), "", model, Duration.ofSeconds(5), 1024, Map.of()),
				WebClient.builder());
	}

}
