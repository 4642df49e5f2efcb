package io.llmfallback.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The simulators' streams, read raw over loopback HTTP: the events of each wire format in
 * order, field for field, and each stream fault injected as the fault API would.
 */
class SimulatedProviderStreamTest extends SimulatorTestSupport {

	private static final String OPENAI_REQUEST = "{\"model\":\"m\",\"stream\":true,"
			+ "\"stream_options\":{\"include_usage\":true},"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}";

	private static final String ANTHROPIC_REQUEST = "{\"model\":\"m\",\"max_tokens\":1024,\"stream\":true,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}";

	@Test
	void openAiStreamsTheUnaryAnswerInChunksThenUsageThenDone() {
		Received stream = stream(OPENAI);
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.contentType()).isEqualTo("text/event-stream");
		assertThat(stream.error()).isNull();
		List<JsonNode> chunks = stream.events().subList(0, 6).stream().map(Received::data).toList();
		JsonNode unary = WireFormat.parse(post(OPENAI, OPENAI_REQUEST.replace("\"stream\":true", "\"stream\":false")));
		for (JsonNode chunk : chunks) {
			assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.path("id").stringValue()).isEqualTo(chunks.get(0).path("id").stringValue());
			assertThat(chunk.path("model").stringValue()).isEqualTo("m");
		}
		assertThat(chunks.get(0).path("choices").get(0).toString())
			.isEqualTo("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
					+ "\"logprobs\":null,\"finish_reason\":null}");
		assertThat(chunks.subList(1, 4).stream().map((chunk) -> chunk.path("choices").get(0).path("delta").toString()))
			.containsExactly("{\"content\":\"openai-sim echoes: Why\"}", "{\"content\":\" is the sky\"}",
					"{\"content\":\" blue?\"}");
		assertThat(text(chunks)).isEqualTo("openai-sim echoes: Why is the sky blue?")
			.isEqualTo(unary.path("choices").get(0).path("message").path("content").stringValue());
		// Asked for usage, every chunk says it has none until the last, which has no
		// choices.
		assertThat(chunks.subList(0, 5)).allSatisfy((chunk) -> assertThat(chunk.get("usage").isNull()).isTrue());
		assertThat(chunks.get(4).path("choices").get(0).toString())
			.isEqualTo("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}");
		assertThat(chunks.get(5).path("choices").isEmpty()).isTrue();
		assertThat(chunks.get(5).path("usage")).isEqualTo(unary.path("usage"));
		assertThat(chunks.get(5).path("usage").toString())
			.isEqualTo("{\"prompt_tokens\":7,\"completion_tokens\":10,\"total_tokens\":17}");
		assertThat(stream.events()).hasSize(7).last().isEqualTo("data: [DONE]");
	}

	@Test
	void openAiStreamHasNoUsageUnlessAskedFor() {
		Received stream = stream(OPENAI, OPENAI_REQUEST.replace("\"stream_options\":{\"include_usage\":true},", ""));
		assertThat(stream.events()).hasSize(6).last().isEqualTo("data: [DONE]");
		assertThat(stream.events().subList(0, 5)).noneMatch((event) -> event.contains("usage"));
		assertThat(Received.data(stream.events().get(4)).path("choices").get(0).path("finish_reason").stringValue())
			.isEqualTo("stop");
	}

	@Test
	void anthropicStreamsTheUnaryAnswerAsMessageEvents() {
		Received stream = stream(ANTHROPIC);
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.contentType()).isEqualTo("text/event-stream");
		assertThat(stream.error()).isNull();
		assertThat(names(stream)).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
				"content_block_delta", "content_block_stop", "message_delta", "message_stop");
		JsonNode unary = WireFormat.parse(post(ANTHROPIC, ANTHROPIC_REQUEST.replace("\"stream\":true,", "")));
		List<JsonNode> data = stream.events().stream().map(Received::data).toList();
		// Every event's data names its type as its event line does.
		for (int i = 0; i < data.size(); i++) {
			assertThat(data.get(i).path("type").stringValue()).isEqualTo(names(stream).get(i));
		}
		JsonNode message = data.get(0).path("message");
		assertThat(message.path("id").stringValue()).startsWith("msg_anthropic_sim_");
		assertThat(message.path("content").isEmpty()).isTrue();
		assertThat(message.path("stop_reason").isNull()).isTrue();
		assertThat(message.path("usage").toString()).isEqualTo(
				"{\"input_tokens\":" + unary.path("usage").path("input_tokens").asLong() + ",\"output_tokens\":1}");
		assertThat(data.get(1).toString()).isEqualTo(
				"{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
		assertThat(data.get(3).toString()).isEqualTo("{\"type\":\"content_block_delta\",\"index\":0,"
				+ "\"delta\":{\"type\":\"text_delta\",\"text\":\"anthropic-sim echoes: Why\"}}");
		assertThat(text(data)).isEqualTo("anthropic-sim echoes: Why is the")
			.isEqualTo(unary.path("content").get(0).path("text").stringValue());
		assertThat(data.get(5).toString()).isEqualTo("{\"type\":\"content_block_stop\",\"index\":0}");
		assertThat(data.get(6).toString())
			.isEqualTo("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
					+ "\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
					+ unary.path("usage").path("output_tokens").asLong() + "}}");
		assertThat(data.get(7).toString()).isEqualTo("{\"type\":\"message_stop\"}");
	}

	@Test
	void aStreamSpreadsTheLatencyOverItsEvents() {
		// anthropic-sim answers in 200 ms: 3 ticks of 66 ms, for its 2 chunks and its
		// end.
		long start = System.nanoTime() / 1_000_000;
		Received stream = stream(ANTHROPIC);
		long end = System.nanoTime() / 1_000_000;
		assertThat(stream.firstEventMs() - start).isGreaterThanOrEqualTo(66);
		assertThat(end - stream.firstEventMs()).isGreaterThanOrEqualTo(2 * 66);
	}

	@ParameterizedTest
	@ValueSource(strings = { OPENAI, ANTHROPIC })
	void statusFaultAnswersAStreamRequestBeforeAnyEvent(String provider) {
		inject(provider, "{\"status\":503}");
		Received stream = stream(provider);
		assertThat(stream.status()).isEqualTo(503);
		assertThat(stream.contentType()).isEqualTo("application/json");
		assertThat(stream.body()).contains("\"error\"").doesNotContain("data:");
	}

	@ParameterizedTest
	@ValueSource(strings = { OPENAI, ANTHROPIC })
	void cutClosesTheConnectionAfterTheChunks(String provider) {
		inject(provider, "{\"cutAfterChunks\":1}");
		Received stream = stream(provider);
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.events()).hasSize(opening(provider) + 1);
		assertThat(text(stream.events().stream().map(Received::data).toList())).isEqualTo(provider + " echoes: Why");
		// Not a body that ends: the connection closes under the reader.
		assertThat(stream.error()).isNotNull().isNotInstanceOf(TimeoutException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { OPENAI, ANTHROPIC })
	void stallSendsNothingMoreAndHoldsTheConnection(String provider) {
		inject(provider, "{\"stallAfterChunks\":1}");
		Received stream = stream(provider);
		assertThat(stream.events()).hasSize(opening(provider) + 1);
		assertThat(stream.error()).isInstanceOf(TimeoutException.class);
	}

	@Test
	void slowFirstChunkSendsTheHeadersAtOnceAndTheFirstEventLate() {
		inject(OPENAI, "{\"firstChunkDelayMs\":1000}");
		Received stream = stream(OPENAI);
		assertThat(stream.firstEventMs() - stream.headersMs()).isGreaterThanOrEqualTo(950);
		assertThat(stream.events()).last().isEqualTo("data: [DONE]");
		assertThat(stream.error()).isNull();
	}

	@Test
	void anthropicErrorEventComesInsideThe200() {
		inject(ANTHROPIC, "{\"errorAfterChunks\":1}");
		Received stream = stream(ANTHROPIC);
		assertThat(stream.status()).isEqualTo(200);
		assertThat(names(stream)).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
				"error");
		assertThat(stream.events()).last()
			.isEqualTo("event: error\ndata: "
					+ "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
		assertThat(stream.error()).isNull();
	}

	@Test
	void openAiErrorEventComesInsideThe200() {
		inject(OPENAI, "{\"errorAfterChunks\":2}");
		Received stream = stream(OPENAI);
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.events()).hasSize(4);
		JsonNode error = Received.data(stream.events().get(3)).path("error");
		assertThat(error.path("type").stringValue()).isEqualTo("server_error");
		assertThat(error.path("message").stringValue()).isNotEmpty();
		assertThat(stream.error()).isNull();
	}

	@Test
	void noTerminatorSendsEverythingButTheEndOfStream() {
		inject(ANTHROPIC, "{\"noTerminator\":true}");
		Received anthropic = stream(ANTHROPIC);
		assertThat(names(anthropic)).containsExactly("message_start", "content_block_start", "ping",
				"content_block_delta", "content_block_delta", "content_block_stop", "message_delta");
		assertThat(anthropic.error()).isNull();
		inject(OPENAI, "{\"noTerminator\":true}");
		Received openAi = stream(OPENAI);
		assertThat(openAi.events()).hasSize(6).noneMatch((event) -> event.contains("[DONE]"));
		assertThat(Received.data(openAi.events().get(5)).path("usage").path("total_tokens").asLong()).isEqualTo(17);
		assertThat(openAi.error()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { OPENAI, ANTHROPIC })
	void malformedEventIsADataLineThatIsNotJsonAmidTheWholeStream(String provider) {
		inject(provider, "{\"malformedAfterChunks\":1}");
		Received faulted = stream(provider);
		simulator(provider).heal();
		Received whole = stream(provider);
		List<String> events = faulted.events();
		int malformed = opening(provider) + 1;
		assertThat(events).hasSize(whole.events().size() + 1);
		String line = events.get(malformed).lines().filter((l) -> l.startsWith("data: ")).findFirst().orElseThrow();
		assertThat(WireFormat.parse(line.substring("data: ".length())).isMissingNode()).isTrue();
		List<String> rest = new ArrayList<>(events);
		rest.remove(malformed);
		assertThat(text(rest.stream().map(Received::data).toList()))
			.isEqualTo(text(whole.events().stream().map(Received::data).toList()));
		assertThat(events).last()
			.asString()
			.endsWith(provider.equals(OPENAI) ? "[DONE]" : "{\"type\":\"message_stop\"}");
	}

	@Test
	void faultBodyNamesTheFieldOfABadStreamFault() {
		assertBadFault("{\"cutAfterChunks\":-1}", "cutAfterChunks must be 0 or more, was -1");
		assertBadFault("{\"firstChunkDelayMs\":-5}", "firstChunkDelayMs must be 0 or more, was -5");
		assertBadFault("{\"stallAfterChunks\":1,\"noTerminator\":true}",
				"a stream breaks one way: give one of cutAfterChunks, stallAfterChunks, errorAfterChunks, "
						+ "malformedAfterChunks and noTerminator, not stallAfterChunks and noTerminator");
		assertBadFault("{\"status\":503,\"errorAfterChunks\":1}",
				"a provider answering a status or hanging sends no stream: a stream fault takes no status or hang");
		assertThat(fault("{\"noTerminator\":false}").isEmpty()).isTrue();
		Fault fault = fault("{\"cutAfterChunks\":2,\"firstChunkDelayMs\":500,\"rate\":0.5}").toFault();
		assertThat(fault.stream()).isEqualTo(new StreamFault(StreamFault.Kind.CUT, 2, Duration.ofMillis(500)));
		assertThat(WireFormat.JSON.writeValueAsString(FaultBody.of(fault)))
			.isEqualTo("{\"latencyMs\":0,\"hang\":false,\"rate\":0.5,\"cutAfterChunks\":2,\"firstChunkDelayMs\":500}");
	}

	@Test
	void streamFaultTakesNoNegativeCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StreamFault(StreamFault.Kind.CUT, -1, Duration.ZERO))
			.withMessage("afterChunks cannot be negative, was -1");
	}

	@Test
	void piecesOfTextPutTogetherAreTheText() {
		assertThat(EventStream.pieces("one two three four  five six seven")).containsExactly("one two three",
				" four  five six", " seven");
		assertThat(EventStream.pieces("")).isEmpty();
		assertThat(EventStream.pieces(" lead")).containsExactly(" lead");
	}

	private static void assertBadFault(String json, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> fault(json).toFault()).withMessage(reason);
	}

	private static FaultBody fault(String json) {
		return WireFormat.JSON.readValue(json, FaultBody.class);
	}

	private static void inject(String provider, String fault) {
		simulator(provider).inject(fault(fault).toFault());
	}

	private static int opening(String provider) {
		return provider.equals(OPENAI) ? 1 : 3;
	}

	private static String request(String provider) {
		return provider.equals(OPENAI) ? OPENAI_REQUEST : ANTHROPIC_REQUEST;
	}

	private static Received stream(String provider) {
		return stream(provider, request(provider));
	}

	private static Received stream(String provider, String request) {
		return Received.read(send(provider, request));
	}

	private static String post(String provider, String request) {
		return send(provider, request).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	private static WebClient.RequestHeadersSpec<?> send(String provider, String request) {
		SimulatedProvider simulator = simulator(provider);
		return WebClient.create(simulator.baseUrl().toString())
			.post()
			.uri((simulator.protocol() == WireProtocol.OPENAI) ? "/v1/chat/completions" : "/v1/messages")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request);
	}

	private static List<String> names(Received stream) {
		return stream.events()
			.stream()
			.map((event) -> event.lines().findFirst().orElseThrow())
			.map((line) -> line.substring("event: ".length()))
			.toList();
	}

	/** The text of the chunks, in either format. */
	private static String text(List<JsonNode> events) {
		StringBuilder text = new StringBuilder();
		for (JsonNode event : events) {
			text.append(event.path("choices").path(0).path("delta").path("content").asString(""));
			text.append(event.path("delta").path("text").asString(""));
		}
		return text.toString();
	}

}
