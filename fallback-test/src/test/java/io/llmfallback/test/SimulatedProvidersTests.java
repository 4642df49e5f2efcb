package io.llmfallback.test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The kit's public API: scripted answers, request counts, reset, the group and the JUnit
 * extension.
 */
class SimulatedProvidersTests {

	@Test
	void scriptedAnswerIsServedInTheWireFormatAndCountedAsTheEchoIs() {
		try (SimulatedProvider claude = SimulatedProvider.start("claude", WireProtocol.ANTHROPIC)) {
			claude.answerWith((prompt) -> "Answer to " + prompt);
			JsonNode answer = answer(claude, "the question", 1024);
			assertThat(text(claude, answer)).isEqualTo("Answer to the question");
			assertThat(answer.path("stop_reason").stringValue()).isEqualTo("end_turn");
			assertThat(answer.path("usage").path("input_tokens").asLong()).isEqualTo(Completion.tokens(2));
			assertThat(answer.path("usage").path("output_tokens").asLong()).isEqualTo(Completion.tokens(4));
			// Line breaks and spacing kept when whole; cut at the cap like any answer.
			claude.answerWith("{\n  \"ok\": true\n}");
			assertThat(text(claude, answer(claude, "json", 1024))).isEqualTo("{\n  \"ok\": true\n}");
			claude.answerWith("one two three four five six seven");
			JsonNode cut = answer(claude, "cut", 3);
			assertThat(text(claude, cut)).isEqualTo("one two");
			assertThat(cut.path("stop_reason").stringValue()).isEqualTo("max_tokens");
		}
	}

	@Test
	void resetHealsForgetsTheScriptAndTheCount() {
		try (SimulatedProvider gpt = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
			gpt.answerWith("scripted");
			gpt.inject(Fault.ofStatus(429));
			assertThat(ask(gpt, "hi", 1024).status()).isEqualTo(429);
			assertThat(gpt.requests()).isEqualTo(1);
			gpt.heal();
			assertThat(text(gpt, answer(gpt, "hi", 1024))).isEqualTo("scripted");
			assertThat(gpt.requests()).isEqualTo(2);
			gpt.reset();
			assertThat(gpt.requests()).isZero();
			assertThat(gpt.lastRequest()).isEmpty();
			assertThat(gpt.fault()).isEqualTo(Fault.NONE);
			assertThat(text(gpt, answer(gpt, "hi", 1024))).isEqualTo("gpt echoes: hi");
		}
	}

	@Test
	void lastRequestIsTheBodyAsSent() {
		try (SimulatedProvider gpt = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
			assertThat(gpt.lastRequest()).isEmpty();
			answer(gpt, "first", 1024);
			answer(gpt, "second", 256);
			assertThat(gpt.lastRequest()).contains(request("second", 256));
		}
	}

	@Test
	void groupPublishesBaseUrlsAndStopsEveryProvider() {
		SimulatedProviders providers = SimulatedProviders.builder()
			.provider("gpt", WireProtocol.OPENAI)
			.provider("gemini", WireProtocol.GEMINI, new ModelProfile(Duration.ofMillis(50), 80))
			.start();
		SimulatedProvider gpt = providers.get("gpt");
		SimulatedProvider gemini = providers.get("gemini");
		assertThat(providers.baseUrlProperties()).containsExactly(
				Map.entry("llm.fallback.providers.gpt.base-url", "http://127.0.0.1:" + gpt.port()),
				Map.entry("llm.fallback.providers.gemini.base-url", "http://127.0.0.1:" + gemini.port()));
		assertThat(gemini.protocol().type()).isEqualTo("gemini");
		assertThat(gemini.profile().echoPercent()).isEqualTo(80);
		assertThatIllegalArgumentException().isThrownBy(() -> providers.get("claude"))
			.withMessage("No simulated provider named 'claude'; simulated providers: [gpt, gemini]");
		assertThat(acceptsConnections(gpt.port())).isTrue();
		providers.close();
		assertThat(acceptsConnections(gpt.port())).isFalse();
		assertThat(acceptsConnections(gemini.port())).isFalse();
	}

	@Test
	void aNameIsAddedOnce() {
		SimulatedProviders.Builder builder = SimulatedProviders.builder().provider("gpt", WireProtocol.OPENAI);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.provider("gpt", WireProtocol.ANTHROPIC))
			.withMessage("A simulated provider named 'gpt' was already added");
	}

	@Test
	void extensionRunsTheProvidersFromBeforeAllToAfterAllAndResetsThemBeforeEachTest() {
		SimulatedProviderExtension extension = new SimulatedProviderExtension().provider("gpt", WireProtocol.OPENAI);
		ExtensionContext context = context("[class:Outer]");
		ExtensionContext nested = context("[class:Outer]/[nested-class:Inner]");
		assertThatIllegalStateException().isThrownBy(() -> extension.get("gpt"));
		extension.beforeAll(context);
		SimulatedProvider gpt = extension.get("gpt");
		gpt.inject(Fault.hanging());
		gpt.answerWith("scripted");
		extension.beforeEach(context);
		assertThat(gpt.fault()).isEqualTo(Fault.NONE);
		assertThat(text(gpt, answer(gpt, "hi", 1024))).isEqualTo("gpt echoes: hi");
		assertThat(extension.all()).containsExactly(gpt);
		// A nested class runs on the same providers, and does not stop them when it ends.
		extension.beforeAll(nested);
		assertThat(extension.get("gpt")).isSameAs(gpt);
		extension.afterAll(nested);
		assertThat(acceptsConnections(gpt.port())).isTrue();
		extension.afterAll(context);
		assertThat(acceptsConnections(gpt.port())).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> extension.get("gpt"));
	}

	@Test
	void faultFactoriesMakeTheFaultsTheirNamesSay() {
		assertThat(Fault.ofStatus(503)).isEqualTo(new Fault(503, Duration.ZERO, false));
		assertThat(Fault.ofLatency(Duration.ofSeconds(1))).isEqualTo(new Fault(null, Duration.ofSeconds(1), false));
		assertThat(Fault.ofStatus(503).atRate(0.25)).isEqualTo(new Fault(503, Duration.ZERO, false, 0.25));
		assertThat(List.of(StreamFault.cutAfter(1), StreamFault.stallAfter(2), StreamFault.errorAfter(0),
				StreamFault.firstChunkAfter(Duration.ofMillis(500))))
			.containsExactly(new StreamFault(StreamFault.Kind.CUT, 1, Duration.ZERO),
					new StreamFault(StreamFault.Kind.STALL, 2, Duration.ZERO),
					new StreamFault(StreamFault.Kind.ERROR_EVENT, 0, Duration.ZERO),
					new StreamFault(StreamFault.Kind.NONE, 0, Duration.ofMillis(500)));
	}

	@Test
	void aContextLengthFaultIsA400AndHasItsFieldInJson() {
		Fault contextLength = Fault.contextLengthExceeded();
		assertThat(contextLength).isEqualTo(new Fault(400, Duration.ZERO, false, 1, StreamFault.NONE, true));
		assertThat(contextLength.atRate(0.5).contextLength()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Fault(503, Duration.ZERO, false, 1, StreamFault.NONE, true))
			.withMessage("a context-length error is a 400, was 503");
		FaultBody json = WireFormat.JSON.readValue("{\"contextLength\":true}", FaultBody.class);
		assertThat(json.isEmpty()).isFalse();
		assertThat(json.toFault()).isEqualTo(contextLength);
		assertThat(WireFormat.JSON.writeValueAsString(FaultBody.of(contextLength)))
			.isEqualTo("{\"status\":400,\"latencyMs\":0,\"hang\":false,\"rate\":1.0,\"contextLength\":true}");
	}

	/** A plain request for the prompt, in the format OpenAI and Anthropic share. */
	private static String request(String prompt, int maxTokens) {
		return "{\"model\":\"m\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\""
				+ prompt + "\"}]}";
	}

	private static Received ask(SimulatedProvider simulator, String prompt, int maxTokens) {
		String path = (simulator.protocol() == WireProtocol.OPENAI) ? "/v1/chat/completions" : "/v1/messages";
		return Received.read(WebClient.create(simulator.baseUrl().toString())
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request(prompt, maxTokens)));
	}

	/** A successful answer's JSON. */
	private static JsonNode answer(SimulatedProvider simulator, String prompt, int maxTokens) {
		Received answer = ask(simulator, prompt, maxTokens);
		assertThat(answer.status()).isEqualTo(200);
		return WireFormat.parse(answer.body());
	}

	/** The text of an OpenAI or Anthropic answer. */
	private static String text(SimulatedProvider simulator, JsonNode answer) {
		JsonNode text = (simulator.protocol() == WireProtocol.OPENAI)
				? answer.path("choices").path(0).path("message").path("content")
				: answer.path("content").path(0).path("text");
		return text.stringValue();
	}

	private static ExtensionContext context(String uniqueId) {
		ExtensionContext context = mock(ExtensionContext.class);
		given(context.getUniqueId()).willReturn(uniqueId);
		return context;
	}

	private static boolean acceptsConnections(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
