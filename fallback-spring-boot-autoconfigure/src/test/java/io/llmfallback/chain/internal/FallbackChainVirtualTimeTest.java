package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Deadlines and timeouts on virtual time: the chain reads time from the same scheduler
 * that {@code Mono.timeout} uses, so these tests prove to the millisecond where the chain
 * gives up.
 */
class FallbackChainVirtualTimeTest {

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

	@Test
	void latencyBudgetIsADeadlineWhateverTheNumberOfHangingProviders() {
		List<LlmProvider> hanging = List.of(ScriptedProvider.hanging("a", Duration.ofSeconds(10)),
				ScriptedProvider.hanging("b", Duration.ofSeconds(10)),
				ScriptedProvider.hanging("c", Duration.ofSeconds(10)));
		FallbackChain chain = chain(Duration.ofSeconds(4), hanging);

		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(3_999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ChainExhaustedException.class);
				List<AttemptRecord> attempts = ((ChainExhaustedException) ex).getAttempts();
				assertThat(attempts).extracting(AttemptRecord::label)
					.containsExactly("timeout", "budget-exhausted", "budget-exhausted");
				assertThat(attempts.get(0).duration()).isEqualTo(Duration.ofSeconds(4));
			})
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void eachAttemptGetsTheSmallerOfItsTimeoutAndWhatIsLeftOfTheBudget() {
		List<LlmProvider> hanging = List.of(ScriptedProvider.hanging("a", Duration.ofMillis(400)),
				ScriptedProvider.hanging("b", Duration.ofMillis(400)),
				ScriptedProvider.hanging("c", Duration.ofMillis(400)));
		FallbackChain chain = chain(Duration.ofMillis(1_000), hanging);

		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies(
					(ex) -> assertThat(((ChainExhaustedException) ex).getAttempts()).extracting(AttemptRecord::duration)
						.containsExactly(Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(200)))
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void aTimedOutPrimaryCostsItsTimeoutThenTheFallbackServes() {
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		FallbackChain chain = chain(Duration.ofSeconds(20),
				List.of(ScriptedProvider.hanging("a", Duration.ofSeconds(3)), fallback));

		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2_999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("served by b");
				assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("timeout", "success");
			})
			.verifyComplete();
	}

	@Test
	void anOpenBreakerCostsNoTimeout() {
		ScriptedProvider primary = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		ProviderCircuitBreakers breakers = breakers(List.of(primary, fallback));
		FallbackChain chain = chain(Duration.ofSeconds(30), List.of(primary, fallback), breakers);
		for (int i = 0; i < 3; i++) {
			StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
				.thenAwait(Duration.ofSeconds(10))
				.expectNextCount(1)
				.verifyComplete();
		}
		assertThat(breakers.state("a")).isEqualTo(State.OPEN);

		// No virtual time passes: were the primary called, its 10 s timeout could never
		// fire.
		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi"))).assertNext((response) -> {
			assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("short-circuited", "success");
			assertThat(response.attempts().get(0).duration()).isZero();
		}).verifyComplete();
		assertThat(primary.received()).hasSize(3);
	}

	@Test
	void aLastResortAttemptIsBoundByWhatIsLeftOfTheBudget() {
		ScriptedProvider only = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ProviderCircuitBreakers breakers = breakers(List.of(only));
		FallbackChain chain = chain(Duration.ofSeconds(4), List.of(only), breakers);
		for (int i = 0; i < 3; i++) {
			StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
				.thenAwait(Duration.ofSeconds(4))
				.expectError(ChainExhaustedException.class)
				.verify(VERIFY_TIMEOUT);
		}
		assertThat(breakers.state("a")).isEqualTo(State.OPEN);

		// The provider's timeout is 10 s, the budget 4 s: the last resort gives up with
		// the budget.
		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(3_999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> {
				List<AttemptRecord> attempts = ((ChainExhaustedException) ex).getAttempts();
				assertThat(attempts).extracting(AttemptRecord::label).containsExactly("short-circuited", "timeout");
				assertThat(attempts.get(1).lastResort()).isTrue();
				assertThat(attempts.get(1).duration()).isEqualTo(Duration.ofSeconds(4));
			})
			.verify(VERIFY_TIMEOUT);
		assertThat(only.received()).hasSize(4);
		assertThat(breakers.state("a")).isEqualTo(State.OPEN);
	}

	@Test
	void providersThatMisbehaveEndAsTypedAttemptFailures() {
		ScriptedProvider empty = ScriptedProvider.of("empty", (request) -> Mono.empty());
		ScriptedProvider throwing = ScriptedProvider.of("throwing", (request) -> {
			throw new IllegalStateException("bug in a custom provider");
		});
		FallbackChain chain = chain(Duration.ofSeconds(5), List.of(empty, throwing));

		StepVerifier.create(chain.chat(ChatRequest.ofUser("hi")))
			.expectErrorSatisfies(
					(ex) -> assertThat(((ChainExhaustedException) ex).getAttempts()).extracting(AttemptRecord::label)
						.containsExactly("invalid-response", "invalid-response"))
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void aModelTheCallerNamedGoesToThePrimaryOnly() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> Mono
			.error(new ProviderException("a", FailureCategory.OVERLOADED, 529, null, "busy", null)));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "ok");
		FallbackChain chain = chain(Duration.ofSeconds(5), List.of(primary, fallback));

		StepVerifier.create(chain.chat(ChatRequest.ofUser("hi").withModel("gpt-4o")))
			.expectNextCount(1)
			.verifyComplete();

		assertThat(primary.received().get(0).model()).isEqualTo("gpt-4o");
		assertThat(fallback.received().get(0).model()).isNull();
		assertThat(fallback.received().get(0).maxTokens()).isEqualTo(2048);
	}

	@Test
	void aFailingListenerDoesNotFailTheRequest() {
		List<LlmProvider> providers = List.of(ScriptedProvider.answering("a", "fine"));
		FallbackChain chain = new DefaultFallbackChain(
				new ChainSettings("vt", List.of("a"), Duration.ofSeconds(5), 2048, ChainSettings.DEFAULT_FALLBACK_ON),
				providers, breakers(providers), Map.of(), (outcome) -> {
					throw new IllegalStateException("meter registry broken");
				});

		StepVerifier.create(chain.chat(ChatRequest.ofUser("hi")))
			.assertNext((response) -> assertThat(response.text()).isEqualTo("fine"))
			.verifyComplete();
	}

	@Test
	void requestMiddlewareSpendsTheLatencyBudget() {
		ScriptedProvider primary = ScriptedProvider.answering("a", "served by a");
		ChainMiddleware slowGuardrail = new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.REQUEST;
			}

			@Override
			public Mono<ChatRequest> onRequest(ChatRequest request) {
				return Mono.delay(Duration.ofSeconds(30)).thenReturn(request);
			}

		};
		List<LlmProvider> providers = List.of(primary, ScriptedProvider.answering("b", "served by b"));
		FallbackChain chain = new DefaultFallbackChain(new ChainSettings("vt", List.of("a", "b"), Duration.ofSeconds(5),
				2048, ChainSettings.DEFAULT_FALLBACK_ON), providers, breakers(providers), Map.of(), (outcome) -> {
				}, new ChainExtensions(List.of(slowGuardrail), ObservationRegistry.NOOP, false));

		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("hi")))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(4_999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies(
					(ex) -> assertThat(((ChainExhaustedException) ex).getAttempts()).extracting(AttemptRecord::label)
						.containsExactly("budget-exhausted", "budget-exhausted"))
			.verify(VERIFY_TIMEOUT);
		assertThat(primary.received()).isEmpty();
	}

	@Test
	void aUnaryRequestItsCallerCancelsIsReportedWithTheCallItGaveUp() {
		List<ChainOutcome> cancelled = new ArrayList<>();
		List<ChainOutcome> outcomes = new ArrayList<>();
		List<LlmProvider> providers = List.of(ScriptedProvider.hanging("a", Duration.ofSeconds(10)));
		ChainSettings settings = new ChainSettings("vt", List.of("a"), Duration.ofSeconds(30), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON);
		FallbackChain chain = new DefaultFallbackChain(settings, providers, breakers(providers),
				Map.of("a", new Pricing(BigDecimal.ONE, BigDecimal.TEN)), new ChainListener() {

					@Override
					public void onOutcome(ChainOutcome outcome) {
						outcomes.add(outcome);
					}

					@Override
					public void onCancelled(ChainOutcome outcome) {
						cancelled.add(outcome);
					}

				});

		StepVerifier.withVirtualTime(() -> chain.chat(ChatRequest.ofUser("x".repeat(400))))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(700))
			.thenCancel()
			.verify(VERIFY_TIMEOUT);
		assertThat(outcomes).isEmpty();
		assertThat(cancelled).singleElement().satisfies((outcome) -> {
			assertThat(outcome.attempts()).extracting(AttemptRecord::label, AttemptRecord::duration)
				.containsExactly(tuple("cancelled", Duration.ofMillis(700)));
			// The prompt it was sent, about 100 tokens, may be billed.
			assertThat(outcome.attempts().get(0).usage()).isEqualTo(new TokenUsage(100, 0));
			assertThat(outcome.costUsd()).isEqualByComparingTo("0.0001");
		});
	}

	private static FallbackChain chain(Duration budget, List<LlmProvider> providers) {
		return chain(budget, providers, breakers(providers));
	}

	private static FallbackChain chain(Duration budget, List<LlmProvider> providers, ProviderCircuitBreakers breakers) {
		ChainSettings settings = new ChainSettings("vt", providers.stream().map(LlmProvider::name).toList(), budget,
				2048, ChainSettings.DEFAULT_FALLBACK_ON);
		return new DefaultFallbackChain(settings, providers, breakers, Map.of(), (outcome) -> {
		});
	}

	private static ProviderCircuitBreakers breakers(List<LlmProvider> providers) {
		Map<String, BreakerSettings> settings = new LinkedHashMap<>();
		providers.forEach((provider) -> settings.put(provider.name(), BreakerSettings.DEFAULTS));
		return new ProviderCircuitBreakers(settings, Clock.systemUTC(), (transition) -> {
		});
	}

}
