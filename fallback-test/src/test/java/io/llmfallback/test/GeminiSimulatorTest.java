package io.llmfallback.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Gemini simulator, started on its own, read raw: its errors and its streams.
 */
class GeminiSimulatorTest {

	private static final String REQUEST = "{\"contents\":[{\"role\":\"user\","
			+ "\"parts\":[{\"text\":\"Why is the sky blue?\"}]}]}";

	private static SimulatedProvider gemini;

	@BeforeAll
	static void start() {
		gemini = SimulatedProvider.start("gemini-sim", WireProtocol.GEMINI,
				new ModelProfile(Duration.ofMillis(20), 100));
	}

	@AfterAll
	static void stop() {
		gemini.close();
	}

	@BeforeEach
	void heal() {
		gemini.heal();
	}

	// A bad key is Google's 400 with its reason; a 429 says how long to wait.
	@ParameterizedTest(name = "answering {0} is {1} {2}")
	@CsvSource({ "503, 503, UNAVAILABLE, ''", "429, 429, RESOURCE_EXHAUSTED, '\"retryDelay\":\"1s\"'",
			"401, 400, INVALID_ARGUMENT, '\"reason\":\"API_KEY_INVALID\"'" })
	void statusFaultIsGooglesErrorBody(int status, int answered, String code, String detail) {
		gemini.inject(Fault.ofStatus(status));
		Received error = Received.read(post("/v1beta/models/gemini-2.5-flash:generateContent"));
		assertThat(error.status()).isEqualTo(answered);
		JsonNode body = WireFormat.parse(error.body()).path("error");
		assertThat(body.path("code").asInt()).isEqualTo(answered);
		assertThat(body.path("status").stringValue()).isEqualTo(code);
		assertThat(body.path("details").toString()).contains(detail);
	}

	@Test
	void contextLengthFaultIsGooglesTokenCountError() {
		gemini.inject(Fault.contextLengthExceeded());
		Received error = Received.read(post("/v1beta/models/gemini-2.5-flash:generateContent"));
		assertThat(error.status()).isEqualTo(400);
		assertThat(WireFormat.parse(error.body()).path("error").toString()).isEqualTo("{\"code\":400,\"message\":"
				+ "\"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).\","
				+ "\"status\":\"INVALID_ARGUMENT\"}");
	}

	@Test
	void streamsChunksThenTheFinishWithTheUsage() {
		Received stream = stream();
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.contentType()).isEqualTo("text/event-stream");
		List<JsonNode> chunks = stream.events().stream().map(Received::data).toList();
		assertThat(chunks).hasSize(4);
		assertThat(chunks.get(0).toString()).isEqualTo("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
				+ "[{\"text\":\"gemini-sim echoes: Why\"}]},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":7,"
				+ "\"totalTokenCount\":7},\"modelVersion\":\"gemini-2.5-flash\"}");
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> text
			.append(chunk.path("candidates").path(0).path("content").path("parts").path(0).path("text").stringValue()));
		assertThat(text).hasToString("gemini-sim echoes: Why is the sky blue?");
		JsonNode last = chunks.get(3);
		assertThat(last.path("candidates").path(0).path("finishReason").stringValue()).isEqualTo("STOP");
		assertThat(last.path("usageMetadata").toString())
			.isEqualTo("{\"promptTokenCount\":7,\"candidatesTokenCount\":10,\"totalTokenCount\":17}");
		assertThat(chunks.subList(0, 3)).noneMatch((chunk) -> chunk.path("candidates").path(0).has("finishReason"));
	}

	@Test
	void noTerminatorLeavesTheFinishOut() {
		gemini.inject(new Fault(new StreamFault(StreamFault.Kind.NO_TERMINATOR, 0, Duration.ZERO)));
		Received stream = stream();
		assertThat(stream.events()).hasSize(3).noneMatch((event) -> event.contains("finishReason"));
		assertThat(stream.error()).isNull();
	}

	@Test
	void errorEventIsGooglesErrorInsideThe200() {
		gemini.inject(new Fault(new StreamFault(StreamFault.Kind.ERROR_EVENT, 1, Duration.ZERO)));
		Received stream = stream();
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.events()).hasSize(2);
		assertThat(Received.data(stream.events().get(1)).toString()).isEqualTo("{\"error\":{\"code\":503,"
				+ "\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}");
	}

	@Test
	void streamIsServedAsServerSentEventsOnly() {
		Received json = Received.read(post("/v1beta/models/gemini-2.5-flash:streamGenerateContent"));
		assertThat(json.status()).isEqualTo(400);
		assertThat(Received.read(post("/v1beta/models/gemini-2.5-flash:countTokens")).status()).isEqualTo(404);
	}

	private static Received stream() {
		return Received.read(post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"));
	}

	private static WebClient.RequestHeadersSpec<?> post(String uri) {
		return WebClient.create(gemini.baseUrl().toString())
			.post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(REQUEST);
	}

}
