package io.llmfallback.test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

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
			StepVerifier.create(provider(claude).chat(ChatRequest.ofUser("the question"))).assertNext((response) -> {
				assertThat(response.text()).isEqualTo("Answer to the question");
				assertThat(response.finishReason()).isEqualTo("end_turn");
				assertThat(response.usage().inputTokens()).isEqualTo(Completion.tokens(2));
				assertThat(response.usage().outputTokens()).isEqualTo(Completion.tokens(4));
			}).verifyComplete();
			// Line breaks and spacing kept when whole; cut at the cap like any answer.
			claude.answerWith("{\n  \"ok\": true\n}");
			StepVerifier.create(provider(claude).chat(ChatRequest.ofUser("json")))
				.assertNext((response) -> assertThat(response.text()).isEqualTo("{\n  \"ok\": true\n}"))
				.verifyComplete();
			claude.answerWith("one two three four five six seven");
			StepVerifier.create(provider(claude).chat(ChatRequest.ofUser("cut").withMaxTokens(3)))
				.assertNext((response) -> {
					assertThat(response.text()).isEqualTo("one two");
					assertThat(response.finishReason()).isEqualTo("max_tokens");
				})
				.verifyComplete();
		}
	}

	@Test
	void scriptedAnswerStreamsInChunks() {
		try (SimulatedProvider gpt = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
			gpt.answerWith("one two three four five");
			StepVerifier
				.create(provider(gpt).stream(ChatRequest.ofUser("hi")).map(ChatChunk::text).filter((t) -> !t.isEmpty()))
				.expectNext("one two three", " four five")
				.verifyComplete();
		}
	}

	@Test
	void resetHealsForgetsTheScriptAndTheCount() {
		try (SimulatedProvider gpt = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
			gpt.answerWith("scripted");
			gpt.inject(Fault.ofStatus(429));
			StepVerifier.create(provider(gpt).chat(ChatRequest.ofUser("hi")))
				.expectErrorSatisfies((ex) -> assertThat(((ProviderException) ex).getHttpStatus()).isEqualTo(429))
				.verify(Duration.ofSeconds(10));
			assertThat(gpt.requests()).isEqualTo(1);
			gpt.heal();
			assertThat(provider(gpt).chat(ChatRequest.ofUser("hi")).block().text()).isEqualTo("scripted");
			assertThat(gpt.requests()).isEqualTo(2);
			gpt.reset();
			assertThat(gpt.requests()).isZero();
			assertThat(gpt.lastRequest()).isEmpty();
			assertThat(gpt.fault()).isEqualTo(Fault.NONE);
			assertThat(provider(gpt).chat(ChatRequest.ofUser("hi")).block().text()).isEqualTo("gpt echoes: hi");
		}
	}

	@Test
	void lastRequestIsTheBodyAsSent() {
		try (SimulatedProvider gpt = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
			assertThat(gpt.lastRequest()).isEmpty();
			provider(gpt).chat(ChatRequest.ofUser("first")).block();
			provider(gpt).chat(ChatRequest.ofUser("second").withMaxTokens(256)).block();
			JsonNode sent = WireFormat.parse(gpt.lastRequest().orElseThrow());
			assertThat(sent.path("model").stringValue()).isEqualTo("test-model");
			assertThat(sent.path("max_tokens").asInt()).isEqualTo(256);
			assertThat(sent.path("messages").get(0).path("content").stringValue()).isEqualTo("second");
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
		assertThat(provider(gpt).chat(ChatRequest.ofUser("hi")).block().text()).isEqualTo("gpt echoes: hi");
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

	private static LlmProvider provider(SimulatedProvider simulator) {
		ProviderType type = ProviderType.valueOf(simulator.protocol().name());
		return LlmProviders.create(new ProviderSettings(simulator.name(), type, simulator.baseUrl(), "", "test-model",
				Duration.ofSeconds(5), 1024, Map.of()), WebClient.builder());
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
