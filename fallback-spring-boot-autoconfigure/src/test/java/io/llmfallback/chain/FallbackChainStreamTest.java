package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Streaming down the chain, on virtual time: it falls over before the first chunk with text and never after,
 * each attempt has its own first-chunk deadline, a stall ends the stream with a typed error after the chunks
 * sent, cancelling reaches the provider, and the outcome is counted with its usage and cost.
 */
class FallbackChainStreamTest {

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

	private static final ChatRequest REQUEST = ChatRequest.ofUser("x".repeat(400));

	private final List<ChainOutcome> outcomes = new ArrayList<>();

	private ProviderCircuitBreakers breakers;

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
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux.just(ChatChunk.text("Hel"))
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
		assertThat(this.outcomes).singleElement().satisfies((outcome) -> assertThat(outcome.failure())
			.isInstanceOf(ChainInterruptedException.class));
	}

	@Test
	void eachAttemptHasItsOwnFirstChunkDeadlineFromItsOwnStart() {
		// No first chunk in 3 s from either: each attempt falls over 2 s after it began, not after the request.
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
			.containsExactly(tuple("timeout", Duration.ofSeconds(2)),
					tuple("timeout", Duration.ofSeconds(2)),
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
			.expectErrorSatisfies((ex) -> assertThat(((ChainInterruptedException) ex).getAttempts())
				.extracting(AttemptRecord::label)
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
	void cancellingTheStreamCancelsTheProvidersRequest() {
		AtomicBoolean cancelled = new AtomicBoolean();
		ScriptedProvider primary = ScriptedProvider.streaming("a", (request) -> Flux.just(ChatChunk.text("Hello"))
			.concatWith(Flux.never())
			.doOnCancel(() -> cancelled.set(true)));

		StepVerifier.withVirtualTime(() -> chain(primary).stream(REQUEST, "chat"))
			.expectNext(ChatChunk.text("Hello"))
			.thenCancel()
			.verify(VERIFY_TIMEOUT);
		assertThat(cancelled).isTrue();
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
			guards.put(provider.name(), new GuardSettings(defaults.timeout(), true, null, defaults.slowCallsToOpen(),
					defaults.maxConcurrency(), defaults.retry(), defaults.rateLimit(), true,
					new StreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(4))));
			pricing.put(provider.name(), new Pricing(BigDecimal.ONE, BigDecimal.TEN));
		}
		this.breakers = new ProviderCircuitBreakers(breakerSettings, Clock.systemUTC(), (transition) -> {
		});
		ChainSettings settings = new ChainSettings("streams", List.of(providers).stream().map(LlmProvider::name).toList(),
				Duration.ofSeconds(30), 2048, ChainSettings.DEFAULT_FALLBACK_ON);
		return new FallbackChain(settings, List.of(providers), this.breakers, new ProviderGuards(guards, this.breakers),
				pricing, this.outcomes::add, ChainExtensions.NONE);
	}

}
