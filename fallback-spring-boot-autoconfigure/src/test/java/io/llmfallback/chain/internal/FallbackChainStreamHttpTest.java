package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.observe.internal.ChainMeters;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.WireMockProviders;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.StreamFault;
import io.llmfallback.test.WireProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Streaming down a chain of real providers over loopback HTTP, in their own wire formats:
 * an Anthropic {@code overloaded_error} event inside a 200 falls over to OpenAI before
 * any text reached the caller, and an OpenAI stream cut after its first chunk ends with a
 * typed error, the fallback never called; opted in, the cut answer is continued by Claude
 * from a prefill (whose rejection never hides the cut), or restarted whole. The streams
 * that break are the test kit's simulated providers with a stream fault injected; the
 * answers whose exact model versions and token counts a test checks are real API streams
 * (fixtures) served by WireMock.
 */
class FallbackChainStreamHttpTest {

	private static final String ANTHROPIC = "/v1/messages";

	private static final String OPENAI = "/v1/chat/completions";

	/**
	 * The first-chunk deadline of the providers a test does not set one for: the first
	 * call of a JVM loads and warms up Netty and Jackson, seconds on a busy machine.
	 */
	private static final Duration COLD_START = Duration.ofSeconds(30);

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(40);

	private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

	@RegisterExtension
	static WireMockExtension server = WireMockProviders.server();

	@RegisterExtension
	static final SimulatedProviderExtension simulated = new SimulatedProviderExtension()
		.provider("gpt", WireProtocol.OPENAI)
		.provider("claude", WireProtocol.ANTHROPIC);

	private final List<ChainOutcome> outcomes = new ArrayList<>();

	private final Map<String, Duration> timeToFirstChunk = new HashMap<>();

	private Duration stallTimeout = StreamSettings.DEFAULT_STALL_TIMEOUT;

	@Test
	void anErrorEventInsideA200FallsOverBeforeAnyTextReachesTheCaller() {
		serve(ANTHROPIC, Fixtures.read("anthropic/message-stream-overloaded.sse"));
		serve(OPENAI, Fixtures.read("openai/chat-completion-stream.sse"));
		FallbackChain chain = chain(provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"),
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("claude", "overloaded"), tuple("gpt", "success"));
		assertThat(outcome.response().response().usage()).isEqualTo(new TokenUsage(9, 3, 0));
		assertThat(outcome.response().response().model()).isEqualTo("gpt-4o-mini-2024-07-18");
		assertThat(outcome.path()).isEqualTo(ServedPath.FALLBACK);
	}

	@Test
	void aStreamCutAfterItsFirstChunkEndsWithATypedErrorAndNeverFallsOver() {
		helloWithoutEndOfStream(simulated.get("gpt"));
		FallbackChain chain = chain(simulatedProvider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				simulatedProvider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text))
			.expectNext("Hello")
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ChainInterruptedException.class);
				assertThat(((ChainInterruptedException) ex).getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("stream-truncated");
			})
			.verify(VERIFY_TIMEOUT);
		assertThat(simulated.get("claude").requests()).isZero();
	}

	@Test
	void anInterruptedAnswerIsContinuedByTheNextProviderThatAcceptsAPrefill() {
		serve(OPENAI, cutAfterHello());
		serve(ANTHROPIC,
				Fixtures.read("anthropic/message-stream.sse").replace("\"text\":\"Hello\"", "\"text\":\" there\""));
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text))
			.expectNext("Hello", " there", "!")
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		// The text the caller holds goes to Claude as the start of its own answer.
		server.verify(postRequestedFor(urlPathEqualTo(ANTHROPIC))
			.withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
			.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hello")))
			.withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.failure()).isNull();
		assertThat(outcome.response().text()).isEqualTo("Hello there!");
		assertThat(outcome.attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude", "success"));
		assertThat(outcome.attempts().get(1).stream().isContinuation()).isTrue();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ChainMeters(registry, new LlmProviders(chain.providers())).onOutcome(outcome);
		assertThat(registry.get("llm.fallback.stream.continuations")
			.tags("chain", "streams", "provider", "claude", "outcome", "success")
			.counter()
			.count()).isOne();
		// Claude's own usage; the cut OpenAI stream sent none, so its text is estimated
		// and flagged.
		assertThat(outcome.attempts().get(1).usage()).isEqualTo(new TokenUsage(25, 15));
		assertThat(outcome.attempts().get(0).stream().isUsageEstimated()).isTrue();
	}

	@Test
	void aContinuationPassesOverAProviderWhoseModelLacksWhatTheRequestNeeds() {
		serve(OPENAI, cutAfterHello());
		serve(ANTHROPIC,
				Fixtures.read("anthropic/message-stream.sse").replace("\"text\":\"Hello\"", "\"text\":\" there\""));
		ProviderCapabilities withoutTools = new ProviderCapabilities(false, true, true, null);
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("claude-without-tools", ProviderType.ANTHROPIC, "claude-3-haiku", withoutTools),
				provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));
		ChatRequest withTool = ChatRequest.ofUser("Hi")
			.withTools(List.of(new ToolDefinition("orderStatus", "An order's status", "{\"type\":\"object\"}")), null);

		StepVerifier.create(chain.stream(withTool, "chat").map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		// One continuation, sent the tools the cut answer had.
		server.verify(1, postRequestedFor(urlPathEqualTo(ANTHROPIC)));
		server.verify(postRequestedFor(urlPathEqualTo(ANTHROPIC))
			.withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("orderStatus"))));
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude-without-tools", "tools-unsupported"),
					tuple("claude", "success"));
	}

	@Test
	void aContinuationPassesOverAProviderWhoseContextWindowHoldsThePromptButNotTheTextSoFar() {
		serve(OPENAI, cutAfterHello());
		serve(ANTHROPIC,
				Fixtures.read("anthropic/message-stream.sse").replace("\"text\":\"Hello\"", "\"text\":\" there\""));
		// The prompt is 10 tokens by the chain's estimate; with "Hello" prefilled, 12.
		ProviderCapabilities elevenTokens = new ProviderCapabilities(true, true, true, 11);
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("claude-small", ProviderType.ANTHROPIC, "claude-small", elevenTokens),
				provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier
			.create(chain.stream(ChatRequest.ofUser("Tell me a short story about a lighthouse"), "chat")
				.map(ChatChunk::text)
				.collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude-small", "context-window-exceeded"),
					tuple("claude", "success"));
	}

	@Test
	void whenEveryProviderThatAcceptsAPrefillIsSkippedTheCallerGetsTheInterruption() {
		serve(OPENAI, cutAfterHello());
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"), provider("claude-without-tools",
						ProviderType.ANTHROPIC, "claude-3-haiku", new ProviderCapabilities(false, true, true, null)));
		ChatRequest withTool = ChatRequest.ofUser("Hi")
			.withTools(List.of(new ToolDefinition("orderStatus", "An order's status", "{\"type\":\"object\"}")), null);

		StepVerifier.create(chain.stream(withTool, "chat").map(ChatChunk::text))
			.expectNext("Hello")
			.expectErrorSatisfies((ex) -> {
				ChainInterruptedException interrupted = (ChainInterruptedException) ex;
				assertThat(interrupted.getFailure().getCategory()).isEqualTo(FailureCategory.STREAM_TRUNCATED);
				assertThat(interrupted.getAttempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
					.containsExactly(tuple("gpt", "stream-truncated"),
							tuple("claude-without-tools", "tools-unsupported"));
			})
			.verify(VERIFY_TIMEOUT);
		server.verify(0, postRequestedFor(urlPathEqualTo(ANTHROPIC)));
	}

	@Test
	void aPrefillIsSentWithoutTrailingWhitespaceAndTheContinuationDoesNotRepeatIt() {
		// Anthropic refuses a prefill ending in whitespace; the model writes the space
		// again, once is enough.
		serve(OPENAI, cutAfterHello().replace("{\"content\":\"Hello\"}", "{\"content\":\"Hello, \"}"));
		serve(ANTHROPIC,
				Fixtures.read("anthropic/message-stream.sse").replace("\"text\":\"Hello\"", "\"text\":\" world\""));
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(texts).startsWith("Hello, ", "world", "!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		server.verify(postRequestedFor(urlPathEqualTo(ANTHROPIC))
			.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hello,"))));
		assertThat(this.outcomes.get(0).response().text()).isEqualTo("Hello, world!");
	}

	@Test
	void aContinuationWithNothingToAddLeavesTheAnswerWhole() {
		// OpenAI sent all its text and its finish reason, and the body ended before data:
		// [DONE]. Claude, given the text as a prefill, ends its turn without a word: the
		// answer was whole.
		String complete = Fixtures.read("openai/chat-completion-stream.sse");
		serve(OPENAI, complete.substring(0, complete.indexOf("data: [DONE]")));
		String nothingToAdd = Fixtures.read("anthropic/message-stream.sse")
			.lines()
			.filter((line) -> !line.contains("content_block_delta"))
			.collect(Collectors.joining("\n", "", "\n"));
		serve(ANTHROPIC, nothingToAdd);
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.failure()).isNull();
		assertThat(outcome.response().text()).isEqualTo("Hello there!");
		assertThat(outcome.attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude", "success"));
	}

	@Test
	void aPrefillTheProviderRejectsNeverHidesWhyTheAnswerWasCut() {
		helloWithoutEndOfStream(simulated.get("gpt"));
		simulated.get("claude").inject(Fault.ofStatus(400));
		FallbackChain chain = chain(StreamRecovery.OnInterruption.CONTINUE,
				simulatedProvider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				simulatedProvider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text))
			.expectNext("Hello")
			.expectErrorSatisfies((ex) -> {
				ChainInterruptedException interrupted = (ChainInterruptedException) ex;
				assertThat(interrupted.getFailure().getCategory()).isEqualTo(FailureCategory.STREAM_TRUNCATED);
				assertThat(interrupted.getCause()).isSameAs(interrupted.getFailure());
				assertThat(interrupted.getMessage())
					.contains("interrupted after 5 characters streamed, on stream-truncated");
				assertThat(interrupted.getSuppressed()).singleElement()
					.satisfies((rejected) -> assertThat(((ProviderException) rejected).getCategory())
						.isEqualTo(FailureCategory.BAD_REQUEST));
				assertThat(interrupted.getAttempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
					.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude", "bad-request"));
			})
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void callersThatReadTheStreamWholeGetOneProvidersWholeAnswerWhenTheFirstIsCut() {
		helloWithoutEndOfStream(simulated.get("gpt"));
		simulated.get("claude").answerWith("Hello!");
		FallbackChain chain = chain(StreamRecovery.OnInterruption.RESTART,
				simulatedProvider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				simulatedProvider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello!"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		// Claude was asked afresh, without the cut text.
		assertThat(JsonMapper.builder()
			.build()
			.readTree(simulated.get("claude").lastRequest().orElseThrow())
			.path("messages")
			.size()).isOne();
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "stream-truncated"), tuple("claude", "success"));
		assertThat(this.outcomes.get(0).path()).isEqualTo(ServedPath.FALLBACK);
	}

	@Test
	void aFirstChunkLaterThanTheAttemptsDeadlineFallsOverToGeminisStream() {
		server.stubFor(post(urlPathEqualTo(OPENAI)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(Fixtures.read("openai/chat-completion-stream.sse"))
			.withFixedDelay(2_000)));
		server.stubFor(post(urlPathEqualTo(GEMINI)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(Fixtures.read("gemini/generate-content-stream.sse"))));
		this.timeToFirstChunk.put("gpt", Duration.ofMillis(400));
		FallbackChain chain = chain(provider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				provider("gemini", ProviderType.GEMINI, "gemini-2.5-flash"));

		StepVerifier
			.create(chain.stream(ChatRequest.ofUser("Why is the sky blue?"), "chat")
				.map(ChatChunk::text)
				.filter((text) -> !text.isEmpty()))
			.expectNext("The", " sky is blue.")
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
			.containsExactly(tuple("gpt", "timeout"), tuple("gemini", "success"));
		// Given up at its own first-chunk deadline, long before the response would have
		// come.
		assertThat(outcome.attempts().get(0).duration()).isBetween(Duration.ofMillis(400), Duration.ofMillis(1_900));
		assertThat(outcome.attempts().get(0).stream().chunks()).isZero();
		// Gemini's usage, its thinking tokens billed as output: 8 in, 12 out, at $1 and
		// $10 a million.
		assertThat(outcome.attempts().get(1).usage()).isEqualTo(new TokenUsage(8, 12));
		assertThat(outcome.costUsd()).isEqualByComparingTo("0.000128");
	}

	@Test
	void aStreamThatStallsAfterItsFirstChunkEndsWithATypedErrorAfterIt() {
		SimulatedProvider gpt = simulated.get("gpt");
		gpt.answerWith("Hello");
		gpt.inject(new Fault(StreamFault.stallAfter(1)));
		this.stallTimeout = Duration.ofMillis(500);
		FallbackChain chain = chain(simulatedProvider("gpt", ProviderType.OPENAI, "gpt-4o-mini"),
				simulatedProvider("claude", ProviderType.ANTHROPIC, "claude-sonnet-4-5"));

		StepVerifier.create(chain.stream(ChatRequest.ofUser("Hi"), "chat").map(ChatChunk::text))
			.expectNext("Hello")
			.expectErrorSatisfies((ex) -> {
				ChainInterruptedException interrupted = (ChainInterruptedException) ex;
				assertThat(interrupted.getFailure().getCategory()).isEqualTo(FailureCategory.TIMEOUT);
				assertThat(interrupted.getFailure().getMessage()).contains("stalled: no chunk within 500 ms");
			})
			.verify(VERIFY_TIMEOUT);
		assertThat(simulated.get("claude").requests()).isZero();
	}

	/**
	 * OpenAI's stream up to its first event with text, and then the body ends: no [DONE].
	 */
	private static String cutAfterHello() {
		String complete = Fixtures.read("openai/chat-completion-stream.sse");
		return complete.substring(0, complete.indexOf("\n\n", complete.indexOf("Hello")) + 2);
	}

	/**
	 * The simulated provider streams "Hello" and its finish, and then the body ends: no
	 * end-of-stream marker.
	 */
	private static void helloWithoutEndOfStream(SimulatedProvider provider) {
		provider.answerWith("Hello");
		provider.inject(new Fault(new StreamFault(StreamFault.Kind.NO_TERMINATOR, 0, Duration.ZERO)));
	}

	private static void serve(String path, String body) {
		server.stubFor(post(urlPathEqualTo(path))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)));
	}

	private static LlmProvider provider(String name, ProviderType type, String model) {
		return provider(name, type, model, ProviderSettings.capabilitiesOf(model));
	}

	private static LlmProvider provider(String name, ProviderType type, String model,
			ProviderCapabilities capabilities) {
		return provider(name, type, URI.create(server.baseUrl()), model, capabilities);
	}

	private static LlmProvider simulatedProvider(String name, ProviderType type, String model) {
		return provider(name, type, simulated.get(name).baseUrl(), model, ProviderSettings.capabilitiesOf(model));
	}

	private static LlmProvider provider(String name, ProviderType type, URI baseUrl, String model,
			ProviderCapabilities capabilities) {
		return LlmProviders.create(new ProviderSettings(name, type, baseUrl, "sk-test-key-1234", model,
				Duration.ofSeconds(30), 1024, Map.of(), ProviderSettings.DEFAULT_MAX_RESPONSE_BYTES,
				ProviderSettings.DEFAULT_MAX_INPUT_TOKENS, capabilities), WebClient.builder());
	}

	private FallbackChain chain(LlmProvider... providers) {
		return chain(StreamRecovery.OnInterruption.ERROR, providers);
	}

	private FallbackChain chain(StreamRecovery.OnInterruption onInterruption, LlmProvider... providers) {
		Map<String, BreakerSettings> breakers = new LinkedHashMap<>();
		Map<String, GuardSettings> guards = new LinkedHashMap<>();
		Map<String, Pricing> pricing = new LinkedHashMap<>();
		for (LlmProvider provider : providers) {
			breakers.put(provider.name(), BreakerSettings.DEFAULTS);
			GuardSettings defaults = GuardSettings.defaults(provider.timeout(), BreakerSettings.DEFAULTS);
			guards.put(provider.name(),
					new GuardSettings(defaults.timeout(), true, null, defaults.slowCallsToOpen(),
							defaults.maxConcurrency(), defaults.retry(), defaults.rateLimit(), true,
							new StreamSettings(this.timeToFirstChunk.getOrDefault(provider.name(), COLD_START),
									this.stallTimeout)));
			pricing.put(provider.name(), new Pricing(BigDecimal.ONE, BigDecimal.TEN));
		}
		List<String> names = List.of(providers).stream().map(LlmProvider::name).toList();
		ChainSettings settings = new ChainSettings("streams", names, Duration.ofSeconds(30), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true, names.size() + 1, 0.1, HedgeSettings.OFF,
				new StreamRecovery(onInterruption, StreamRecovery.DEFAULT_CONTINUATION_BUDGET));
		ProviderCircuitBreakers circuitBreakers = new ProviderCircuitBreakers(breakers, Clock.systemUTC(),
				(transition) -> {
				});
		return new DefaultFallbackChain(settings, List.of(providers), circuitBreakers,
				new ProviderGuards(guards, circuitBreakers), pricing, this.outcomes::add, ChainExtensions.NONE);
	}

}
