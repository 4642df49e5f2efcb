package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.DefaultChainAttemptObservationConvention;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.observe.internal.ChainMeters;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Streaming down the chain, on virtual time: it falls over before the first chunk with
 * text and never after, each attempt has its own first-chunk deadline, a stall ends the
 * stream with a typed error after the chunks sent, cancelling reaches the provider, the
 * outcome is counted with its usage and cost, and the provider's guard holds streams as
 * it holds unary calls (a late first chunk is a slow call in flight, a stream holds its
 * place in the bulkhead to its end).
 */
class FallbackChainStreamTest {

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

	private static final ChatRequest REQUEST = ChatRequest.ofUser("x".repeat(400));

	private final List<ChainOutcome> outcomes = new ArrayList<>();

	private final List<ChainOutcome> cancelled = new ArrayList<>();

	private ProviderCircuitBreakers breakers;

	private ProviderGuards guards;

	private ObservationRegistry observations = ObservationRegistry.NOOP;

	private int maxConcurrency = 100;

	private @Nullable Duration slowCallThreshold;

	private OutputContract contract = OutputContract.NONE;

	private StreamRecovery recovery = StreamRecovery.DEFAULT;

	private List<ChainMiddleware> middleware = List.of();

	@Test
	void aFailureBeforeTheFirstChunkFallsOver() {
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux
			.error(new ProviderException("a", FailureCategory.OVERLOADED, 200, null, "overloaded_error event", null)));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello ", "there."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello "), ChatChunk.text("there."))
			.expectNextMatches((last) -> "stop".equals(last.finishReason()))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.attempts()).extracting(AttemptRecord::label).containsExactly("overloaded", "success");
		assertThat(outcome.response().text()).isEqualTo("Hello there.");
		assertThat(outcome.path()).isEqualTo(ServedPath.FALLBACK);
		// The usage the stream's last chunk reported, at $1 and $10 a million tokens.
		assertThat(outcome.attempts().get(1).usage()).isEqualTo(new TokenUsage(100, 3));
		assertThat(outcome.costUsd()).isEqualByComparingTo("0.00013");
	}

	@Test
	void aFailureAfterTheFirstChunkIsATypedErrorAfterTheChunksNeverAFallover() {
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(ChatChunk.text("Hel"))
					.concatWith(Flux.error(new ProviderException("a", FailureCategory.STREAM_TRUNCATED, 200, null,
							"ended without [DONE]", null))));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hel"))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ChainInterruptedException.class);
				assertThat(((ChainInterruptedException) ex).getCharactersStreamed()).isEqualTo(3);
				assertThat(((ChainFailureException) ex).getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("stream-truncated");
			})
			.verify(VERIFY_TIMEOUT);
		assertThat(fallback.received()).isEmpty();
		assertThat(this.outcomes).singleElement()
			.satisfies((outcome) -> assertThat(outcome.failure()).isInstanceOf(ChainInterruptedException.class));
	}

	@Test
	void eachAttemptHasItsOwnFirstChunkDeadlineFromItsOwnStart() {
		// No first chunk in 3 s from either: each attempt falls over 2 s after it began,
		// not after the request.
		ScriptedProvider slow = ScriptedProvider.streaming("a",
				(request) -> answer("a", "late").delaySubscription(Duration.ofSeconds(3)));
		ScriptedProvider alsoSlow = ScriptedProvider.streaming("b",
				(request) -> answer("b", "late").delaySubscription(Duration.ofSeconds(3)));
		ScriptedProvider fast = ScriptedProvider.streaming("c",
				(request) -> answer("c", "on time").delaySubscription(Duration.ofMillis(1_500)));

		StepVerifier.withVirtualTime(() -> chain(slow, alsoSlow, fast).stream(REQUEST, "chat"))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(5_499))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(ChatChunk.text("on time"))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::label, AttemptRecord::duration)
			.containsExactly(tuple("timeout", Duration.ofSeconds(2)), tuple("timeout", Duration.ofSeconds(2)),
					tuple("success", Duration.ofMillis(1_500)));
	}

	@Test
	void aStallAfterTheFirstChunkEndsTheStreamWithATypedError() {
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(ChatChunk.text("Hello")).concatWith(Flux.never()));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello"))
			.expectNoEvent(Duration.ofMillis(3_999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies(
					(ex) -> assertThat(((ChainInterruptedException) ex).getAttempts()).extracting(AttemptRecord::label)
						.containsExactly("timeout"))
			.verify(VERIFY_TIMEOUT);
		assertThat(fallback.received()).isEmpty();
	}

	@Test
	void aStreamThatEndsWithoutTextFallsOver() {
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(new ChatChunk("", "stop", new TokenUsage(100, 0), "model-a")));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello."))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::label)
			.containsExactly("empty-response", "success");
	}

	@Test
	void theServedAnswerIsHandedOverAfterTheLastChunkBeforeTheStreamCompletes() {
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux
			.error(new ProviderException("a", FailureCategory.SERVER_ERROR, 500, null, "server_error", null)));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello ", "there."));
		List<String> seen = new ArrayList<>();

		StepVerifier
			.withVirtualTime(() -> chain(primary, fallback)
				.stream(REQUEST, "chat",
						(served) -> seen.add(served.text() + " by " + served.response().provider() + ", "
								+ served.attempts().size() + " attempts, $"
								+ served.attempts().get(1).costUsd().stripTrailingZeros().toPlainString()))
				.doOnNext((chunk) -> seen.add(chunk.text())))
			.expectNextCount(3)
			.then(() -> assertThat(seen).containsExactly("Hello ", "there.", "",
					"Hello there. by b, 2 attempts, $0.00013"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void anAnswerBreakingTheContractIsFlaggedNotReplacedOnceStreamed() {
		this.contract = new OutputContract(null, 10, null, false, OutputContract.OnViolation.NEXT_PROVIDER);
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> answer("a", "Hi."));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hello there, friend."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hi."))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.attempts()).extracting(AttemptRecord::label).containsExactly("success");
		assertThat(outcome.response().contractViolations()).containsExactly("output has 3 characters, fewer than 10");
		assertThat(fallback.received()).isEmpty();
	}

	@Test
	void heldUntilItEndsAnAnswerBreakingTheContractMakesWayForTheNextProvidersAsAUnaryOneDoes() {
		this.contract = new OutputContract(null, 10, null, false, OutputContract.OnViolation.NEXT_PROVIDER);
		this.recovery = new StreamRecovery(StreamRecovery.OnInterruption.RESTART,
				StreamRecovery.DEFAULT_CONTINUATION_BUDGET);
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> answer("a", "Hi."));
		ScriptedProvider fallback = ScriptedProvider.streaming("b",
				(request) -> answer("b", "Hello there, ", "friend."));

		StepVerifier.withVirtualTime(() -> chain(primary, fallback).stream(REQUEST, "chat").map(ChatChunk::text))
			.expectNext("Hello there, ", "friend.", "")
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		ChainOutcome outcome = this.outcomes.get(0);
		assertThat(outcome.attempts()).extracting(AttemptRecord::label)
			.containsExactly("contract-violation", "success");
		assertThat(outcome.attempts().get(0).contract().violations())
			.containsExactly("output has 3 characters, fewer than 10");
		// The violating answer was billed all the same.
		assertThat(outcome.attempts().get(0).usage()).isEqualTo(new TokenUsage(100, 3));
		assertThat(outcome.response().contractViolations()).isEmpty();
	}

	@Test
	void anAttemptMiddlewaresErrorEndsTheStreamAsItIsAndBlamesNoProvider() {
		IllegalStateException refused = new IllegalStateException("no attempts on Sundays");
		this.middleware = List.of(new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.ATTEMPT;
			}

			@Override
			public Mono<ChatRequest> onRequest(ChatRequest request) {
				return Mono.error(refused);
			}

		});
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> answer("a", "Hello."));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hi."));
		FallbackChain chain = chain(primary, fallback);

		StepVerifier.withVirtualTime(() -> chain.stream(REQUEST, "chat"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(refused))
			.verify(VERIFY_TIMEOUT);
		assertThat(primary.received()).isEmpty();
		assertThat(fallback.received()).isEmpty();
		// No provider failure was counted: its breaker stays as it was.
		assertThat(this.breakers.registry().circuitBreaker("a").getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void responseMiddlewareRewritesTheWholeAnswerBeforeAnyOfItGoesOut() {
		this.middleware = List.of(new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.RESPONSE;
			}

			@Override
			public Mono<ChatResponse> onResponse(ChatResponse response) {
				return Mono.just(new ChatResponse(response.text().replace("alice@example.com", "[email]"),
						response.finishReason(), response.usage(), response.provider(), response.model(),
						response.latency()));
			}

		});
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> answer("a", "Write to ", "alice@", "example.com", " today."));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectNextMatches(
					(only) -> only.text().equals("Write to [email] today.") && "stop".equals(only.finishReason()))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes.get(0).response().text()).isEqualTo("Write to [email] today.");
	}

	@Test
	void responseMiddlewareKeepsTheToolCallsOfTheAnswerItRewrites() {
		this.middleware = List.of(new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.RESPONSE;
			}

			@Override
			public Mono<ChatResponse> onResponse(ChatResponse response) {
				return Mono.just(response.withText(response.text().toUpperCase(java.util.Locale.ROOT)));
			}

		});
		ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux.just(ChatChunk.text("checking"),
				new ChatChunk("", "tool_calls", new TokenUsage(10, 5), "a", List.of(call))));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectNextMatches((only) -> only.text().equals("CHECKING") && only.toolCalls().equals(List.of(call)))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes.get(0).response().toolCalls()).containsExactly(call);
	}

	@Test
	void cancellingTheStreamCancelsTheProvidersRequest() {
		AtomicBoolean cancelled = new AtomicBoolean();
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(ChatChunk.text("Hello"))
					.concatWith(Flux.never())
					.doOnCancel(() -> cancelled.set(true)));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello"))
			.thenCancel()
			.verify(VERIFY_TIMEOUT);
		assertThat(cancelled).isTrue();
	}

	@Test
	void aStreamTheCallerCancelsIsReportedWithWhatItMayBeBilled() {
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(ChatChunk.text("Hello, world")).concatWith(Flux.never()));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello, world"))
			.thenAwait(Duration.ofMillis(500))
			.thenCancel()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes).isEmpty();
		ChainOutcome stopped = this.cancelled.get(0);
		assertThat(stopped.attempts()).extracting(AttemptRecord::label, AttemptRecord::duration)
			.containsExactly(tuple("cancelled", Duration.ofMillis(500)));
		// No usage event came: the prompt's 100 estimated tokens and 3 for the 12
		// characters sent.
		assertThat(stopped.attempts().get(0).usage()).isEqualTo(new TokenUsage(100, 3));
		assertThat(stopped.costUsd()).isEqualByComparingTo("0.00013");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ChainMeters(registry, new LlmProviders(List.of(primary))).onCancelled(stopped);
		assertThat(registry.get("llm.fallback.requests").tags("outcome", "cancelled").counter().count()).isOne();
		assertThat(registry.get("llm.fallback.cost").tags("provider", "a").counter().count()).isEqualTo(0.00013);
		SpendGuard spend = new SpendGuard(null, Map.of("streams", new BigDecimal("0.0001")), Duration.ofMinutes(1),
				Clock.systemUTC());
		spend.onCancelled(stopped);
		assertThat(spend.isLimited("streams")).isTrue();
	}

	@Test
	void anOpenBreakerIsSkippedWithoutACall() {
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> answer("a", "Hello."));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hi."));
		FallbackChain chain = chain(primary, fallback);
		this.breakers.openForSlowCalls("a", "test");

		StepVerifier.withVirtualTime(() -> chain.stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hi."))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(primary.received()).isEmpty();
		assertThat(this.outcomes.get(0).attempts()).extracting(AttemptRecord::label)
			.containsExactly("short-circuited", "success");
	}

	@Test
	void aFirstChunkLateForSeveralStreamsOpensTheBreakerAndTheirRequestsMoveOnBeforeTheirDeadline() {
		// The first-chunk deadline is 2 s, the slow-call threshold 1 s: three streams
		// without a first chunk at 1 s are a provider that stopped, and all three move on
		// then, not at 2 s.
		this.slowCallThreshold = Duration.ofSeconds(1);
		AtomicInteger cancelled = new AtomicInteger();
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.<ChatChunk>never().doOnCancel(cancelled::incrementAndGet));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hi."));
		FallbackChain chain = chain(primary, fallback);

		StepVerifier
			.withVirtualTime(() -> Flux.merge(chain.stream(REQUEST, "chat"), chain.stream(REQUEST, "chat"),
					chain.stream(REQUEST, "chat")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectNextCount(6)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(cancelled).hasValue(3);
		assertThat(this.outcomes).hasSize(3).allSatisfy((outcome) -> {
			assertThat(outcome.attempts()).extracting(AttemptRecord::label).containsExactly("cancelled", "success");
			assertThat(outcome.attempts().get(0).duration()).isEqualTo(Duration.ofSeconds(1));
		});
		assertThat(this.breakers.state("a")).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.guards.inFlight("a")).isZero();
	}

	@Test
	void aStreamHoldsItsPlaceInTheBulkheadUntilItEnds() {
		this.maxConcurrency = 1;
		ScriptedProvider primary = ScriptedProvider.streaming("a",
				(request) -> Flux.just(ChatChunk.text("Hello")).concatWith(Flux.never()));
		ScriptedProvider fallback = ScriptedProvider.streaming("b", (request) -> answer("b", "Hi."));
		FallbackChain chain = chain(primary, fallback);

		// The first stream is still streaming when the second comes: the primary's one
		// place is taken.
		StepVerifier.withVirtualTime(() -> Flux.merge(chain.stream(REQUEST, "first"), chain.stream(REQUEST, "second")))
			.expectNext(ChatChunk.text("Hello"), ChatChunk.text("Hi."))
			.expectNextCount(1)
			.then(() -> assertThat(this.guards.inFlight("a")).isOne())
			.thenCancel()
			.verify(VERIFY_TIMEOUT);
		assertThat(this.outcomes).singleElement().satisfies((second) -> {
			assertThat(second.operation()).isEqualTo("second");
			assertThat(second.attempts()).extracting(AttemptRecord::label).containsExactly("bulkhead-full", "success");
		});
		assertThat(primary.received()).hasSize(1);
		assertThat(this.guards.inFlight("a")).isZero();
	}

	@Test
	void theAttemptSpanIsMarkedStreamedWithItsTimeToFirstChunkAndTheRecordKeepsTheChunksTiming() {
		List<ChainAttemptObservationContext> attempts = new ArrayList<>();
		this.observations = ObservationRegistry.create();
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				attempts.add((ChainAttemptObservationContext) context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof ChainAttemptObservationContext;
			}

		});
		// No usage event: the usage is estimated, and flagged so.
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux.just(ChatChunk.text("Hel"))
			.concatWith(Flux.just(ChatChunk.text("lo, "), ChatChunk.text("world")).delayElements(Duration.ofMillis(50)))
			.delaySubscription(Duration.ofMillis(300)));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.expectNextCount(3)
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		AttemptRecord served = this.outcomes.get(0).attempts().get(0);
		assertThat(served.stream().timeToFirstChunk()).isEqualTo(Duration.ofMillis(300));
		assertThat(served.stream().chunks()).isEqualTo(3);
		List<Duration> gaps = new ArrayList<>();
		served.stream().forEachChunkGap(gaps::add);
		assertThat(gaps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50));
		assertThat(served.stream().isUsageEstimated()).isTrue();
		// 400 characters of prompt are about 100 tokens; 12 characters of answer about 3.
		assertThat(served.usage()).isEqualTo(new TokenUsage(REQUEST.estimatedInputTokens(), 3));
		assertThat(attempts).singleElement()
			.satisfies((context) -> assertThat(
					new DefaultChainAttemptObservationConvention().getHighCardinalityKeyValues(context)
						.stream()
						.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue)))
				.containsEntry("gen_ai.request.stream", "true")
				.containsEntry("gen_ai.response.time_to_first_chunk", "0.3")
				.containsEntry("llm.fallback.usage_estimated", "true")
				.containsEntry("gen_ai.usage.output_tokens", "3"));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ChainMeters(registry, new LlmProviders(List.of(primary))).onOutcome(this.outcomes.get(0));
		Timer firstChunk = registry.get("gen_ai.client.operation.time_to_first_chunk")
			.tags("gen_ai.provider.name", "openai", "gen_ai.request.model", "model-a", "error.type", "none")
			.timer();
		assertThat(firstChunk.count()).isOne();
		assertThat(firstChunk.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
		Timer perChunk = registry.get("gen_ai.client.operation.time_per_output_chunk").timer();
		assertThat(perChunk.count()).isEqualTo(2);
		assertThat(perChunk.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
		// The conventions' buckets for the time per output chunk.
		assertThat(perChunk.takeSnapshot().histogramCounts()).extracting(CountAtBucket::bucket)
			.containsExactly(0.01e9, 0.025e9, 0.05e9, 0.075e9, 0.1e9, 0.15e9, 0.2e9, 0.3e9, 0.4e9, 0.5e9, 0.75e9, 1e9,
					2.5e9);
		assertThat(registry.get("llm.fallback.usage.estimated")
			.tags("chain", "streams", "provider", "a")
			.counter()
			.count()).isOne();
		assertThat(registry.get("gen_ai.client.operation.duration").timer().count()).isOne();
	}

	private static Flux<ChatChunk> answer(String provider, String... texts) {
		return Flux.fromArray(texts)
			.map(ChatChunk::text)
			.concatWith(Mono.just(new ChatChunk("", "stop", new TokenUsage(100, 3), "model-" + provider)));
	}

	private FallbackChain chain(LlmProvider... providers) {
		Map<String, BreakerSettings> breakerSettings = new LinkedHashMap<>();
		Map<String, GuardSettings> guards = new LinkedHashMap<>();
		Map<String, Pricing> pricing = new LinkedHashMap<>();
		for (LlmProvider provider : providers) {
			breakerSettings.put(provider.name(), BreakerSettings.DEFAULTS);
			GuardSettings defaults = GuardSettings.defaults(provider.timeout(), BreakerSettings.DEFAULTS);
			guards.put(provider.name(),
					new GuardSettings(defaults.timeout(), true, this.slowCallThreshold, defaults.slowCallsToOpen(),
							this.maxConcurrency, defaults.retry(), defaults.rateLimit(), true,
							new StreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(4))));
			pricing.put(provider.name(), new Pricing(BigDecimal.ONE, BigDecimal.TEN));
		}
		this.breakers = new ProviderCircuitBreakers(breakerSettings, Clock.systemUTC(), (transition) -> {
		});
		List<String> names = List.of(providers).stream().map(LlmProvider::name).toList();
		ChainSettings settings = new ChainSettings("streams", names, Duration.ofSeconds(30), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON, this.contract, true, names.size() + 1, 0.1, HedgeSettings.OFF,
				this.recovery);
		this.guards = new ProviderGuards(guards, this.breakers);
		ChainListener listener = new ChainListener() {

			@Override
			public void onOutcome(ChainOutcome outcome) {
				FallbackChainStreamTest.this.outcomes.add(outcome);
			}

			@Override
			public void onCancelled(ChainOutcome cancelled) {
				FallbackChainStreamTest.this.cancelled.add(cancelled);
			}

		};
		return new DefaultFallbackChain(settings, List.of(providers), this.breakers, this.guards, pricing, listener,
				new ChainExtensions(this.middleware, this.observations, false));
	}

}
