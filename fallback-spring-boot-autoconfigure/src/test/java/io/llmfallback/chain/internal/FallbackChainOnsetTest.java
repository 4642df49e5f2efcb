package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chain's side of the onset of an outage, on virtual time: attempts waiting on a
 * provider whose breaker opens move on at once, the bulkhead sends overflow on, hedges
 * race the primary within their budget, retries honour {@code retry-after} within theirs,
 * and {@code max-attempts} caps every combination.
 */
class FallbackChainOnsetTest {

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

	private static final ChatRequest REQUEST = ChatRequest.ofUser("x".repeat(400));

	@AfterEach
	void resetVirtualTime() {
		VirtualTimeScheduler.reset();
	}

	@Test
	void attemptsWaitingOnAProviderMoveOnWhenItsBreakerOpens() {
		ScriptedProvider primary = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(2))
			.then(() -> setup.breakers.openForSlowCalls("a", "test"))
			.assertNext((response) -> {
				assertThat(response.text()).isEqualTo("served by b");
				assertThat(response.attempts()).extracting(AttemptRecord::label)
					.containsExactly("cancelled", "success");
				AttemptRecord cancelled = response.attempts().get(0);
				assertThat(cancelled.outcome()).isEqualTo(AttemptOutcome.CANCELLED);
				assertThat(cancelled.called()).isTrue();
				assertThat(cancelled.duration()).isEqualTo(Duration.ofSeconds(2));
				// Priced at the prompt's 100 estimated tokens, at $1 a million: the
				// provider may bill a prompt it got.
				assertThat(cancelled.usage()).isEqualTo(new TokenUsage(100, 0));
				assertThat(cancelled.costUsd()).isEqualByComparingTo("0.0001");
			})
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(setup.guards.inFlight("a")).isZero();
	}

	@Test
	void withoutCancellationAWaitingAttemptWaitsForItsTimeoutWhenTheBreakerOpens() {
		ScriptedProvider primary = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.guard("a",
				(guard) -> new GuardSettings(guard.timeout(), guard.slowCallDetection(), guard.slowCallThreshold(),
						guard.slowCallsToOpen(), guard.maxConcurrency(), guard.retry(), guard.rateLimit(), false));

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.expectSubscription()
			.then(() -> setup.breakers.openForSlowCalls("a", "test"))
			.expectNoEvent(Duration.ofMillis(9_999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("timeout", "success"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
	}

	@Test
	void theFailureThatOpensTheBreakerIsRecordedAsItselfWhileOthersWaitingMoveOn() {
		AtomicInteger calls = new AtomicInteger();
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> (calls.getAndIncrement() == 0) ? Mono.never()
				: Mono.error(new ProviderException("a", FailureCategory.SERVER_ERROR, 500, null, "boom", null)));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		DefaultFallbackChain chain = setup.chain();
		VirtualTimeScheduler.getOrSet();
		List<ChainResponse> waiting = new ArrayList<>();
		chain.chat(REQUEST).subscribe(waiting::add);

		List<List<String>> failing = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			failing
				.add(chain.chat(REQUEST).block(VERIFY_TIMEOUT).attempts().stream().map(AttemptRecord::label).toList());
		}

		assertThat(setup.breakers.state("a")).isEqualTo(State.OPEN);
		assertThat(failing).containsOnly(List.of("server-error", "success"));
		assertThat(waiting).singleElement()
			.satisfies((response) -> assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("cancelled", "success"));
	}

	@Test
	void slowCallsInFlightOpenTheBreakerBeforeAnyTimeoutAndTheirRequestsMoveOn() {
		ScriptedProvider primary = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.guard("a", (guard) -> new GuardSettings(guard.timeout(), true, Duration.ofSeconds(2),
				guard.slowCallsToOpen(), guard.maxConcurrency(), guard.retry(), guard.rateLimit()));
		DefaultFallbackChain chain = setup.chain();

		StepVerifier.withVirtualTime(() -> Flux.range(0, 3).flatMap((i) -> chain.chat(REQUEST)).collectList())
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1_999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((responses) -> assertThat(responses).hasSize(3).allSatisfy((response) -> {
				assertThat(response.attempts()).extracting(AttemptRecord::label)
					.containsExactly("cancelled", "success");
				assertThat(response.attempts().get(0).duration()).isEqualTo(Duration.ofSeconds(2));
			}))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(setup.breakers.state("a")).isEqualTo(State.OPEN);
		assertThat(setup.guards.inFlight("a")).isZero();
	}

	@Test
	void aRateLimitSendsOverflowToTheNextProviderUnsent() {
		ScriptedProvider primary = ScriptedProvider.answering("a", "served by a");
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.guard("a", (guard) -> new GuardSettings(guard.timeout(), true, null, guard.slowCallsToOpen(),
				guard.maxConcurrency(), guard.retry(), new RateLimitSettings(2, 0, true)));
		// Before the chain, so that its buckets start full at virtual time's zero.
		VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
		DefaultFallbackChain chain = setup.chain();

		List<String> servedBy = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			servedBy.add(chain.chat(REQUEST).block(VERIFY_TIMEOUT).response().provider());
		}
		scheduler.advanceTimeBy(Duration.ofSeconds(30));
		servedBy.add(chain.chat(REQUEST).block(VERIFY_TIMEOUT).response().provider());

		// Two a minute: the third goes to the fallback unsent, and a request half a
		// minute later finds room again.
		assertThat(servedBy).containsExactly("a", "a", "b", "a");
		assertThat(primary.received()).hasSize(3);
	}

	@Test
	void noRequestReachesAProviderWhileTheRetryAfterOfItsLast429Runs() {
		AtomicInteger calls = new AtomicInteger();
		ScriptedProvider primary = ScriptedProvider.of("a",
				(request) -> (calls.getAndIncrement() == 0) ? Mono.error(new ProviderException("a",
						FailureCategory.RATE_LIMITED, 429, Duration.ofSeconds(5), "slow down", null))
						: answerAfter("a", Duration.ZERO));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		DefaultFallbackChain chain = setup.chain();
		VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();

		List<String> labels = chain.chat(REQUEST)
			.block(VERIFY_TIMEOUT)
			.attempts()
			.stream()
			.map(AttemptRecord::label)
			.toList();
		scheduler.advanceTimeBy(Duration.ofMillis(4_999));
		ChainResponse during = chain.chat(REQUEST).block(VERIFY_TIMEOUT);
		scheduler.advanceTimeBy(Duration.ofMillis(1));
		ChainResponse after = chain.chat(REQUEST).block(VERIFY_TIMEOUT);

		assertThat(labels).containsExactly("rate-limited", "success");
		assertThat(during.attempts()).extracting(AttemptRecord::label).containsExactly("throttled", "success");
		assertThat(after.response().provider()).isEqualTo("a");
		assertThat(primary.received()).hasSize(2);
	}

	@Test
	void theBulkheadSendsOverflowToTheNextProviderUnsent() {
		ScriptedProvider primary = ScriptedProvider.hanging("a", Duration.ofSeconds(10));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.guard("a", (guard) -> withMaxConcurrency(guard, 2));
		DefaultFallbackChain chain = setup.chain();
		VirtualTimeScheduler.getOrSet();
		chain.chat(REQUEST).subscribe();
		chain.chat(REQUEST).subscribe();

		ChainResponse overflow = chain.chat(REQUEST).block(VERIFY_TIMEOUT);

		assertThat(overflow.attempts()).extracting(AttemptRecord::label).containsExactly("bulkhead-full", "success");
		assertThat(overflow.attempts().get(0).called()).isFalse();
		assertThat(primary.received()).hasSize(2);
		assertThat(setup.guards.inFlight("a")).isEqualTo(2);
	}

	@Test
	void aHedgeReturnsTheFasterProviderAndGivesUpTheOther() {
		AtomicInteger primaryCancelled = new AtomicInteger();
		ScriptedProvider primary = ScriptedProvider.of("a",
				(request) -> answerAfter("a", Duration.ofSeconds(2)).doOnCancel(primaryCancelled::incrementAndGet));
		ScriptedProvider fallback = ScriptedProvider.of("b", (request) -> answerAfter("b", Duration.ofMillis(100)));
		Setup setup = new Setup(List.of(primary, fallback));
		setup.hedge = HedgeSettings.after(Duration.ofMillis(500), 1.0);

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(599))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> {
				assertThat(response.response().provider()).isEqualTo("b");
				assertThat(response.attempts())
					.extracting(AttemptRecord::provider, AttemptRecord::label, AttemptRecord::hedge)
					.containsExactlyInAnyOrder(tuple("a", "hedge-lost", false), tuple("b", "success", true));
				AttemptRecord lost = response.attempts()
					.stream()
					.filter((a) -> a.provider().equals("a"))
					.findFirst()
					.orElseThrow();
				assertThat(lost.duration()).isEqualTo(Duration.ofMillis(600));
				assertThat(lost.costUsd()).isEqualByComparingTo("0.0001");
			})
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(primaryCancelled).hasValue(1);
		assertThat(setup.chain.hedgeBudget().granted()).isEqualTo(1);
	}

	@Test
	void aPrimaryThatAnswersBeforeTheHedgeDelayStartsNoHedge() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> answerAfter("a", Duration.ofMillis(300)));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.hedge = HedgeSettings.after(Duration.ofMillis(500), 1.0);

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.thenAwait(Duration.ofMillis(300))
			.assertNext((response) -> assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("success"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(fallback.received()).isEmpty();
	}

	@Test
	void hedgesStopAtTheirShareOfRequests() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> answerAfter("a", Duration.ofSeconds(2)));
		ScriptedProvider fallback = ScriptedProvider.of("b", (request) -> answerAfter("b", Duration.ofMillis(100)));
		Setup setup = new Setup(List.of(primary, fallback));
		setup.hedge = HedgeSettings.after(Duration.ofMillis(500), 0.05);
		DefaultFallbackChain chain = setup.chain();

		StepVerifier.withVirtualTime(() -> Flux.range(0, 40).flatMap((i) -> chain.chat(REQUEST)).collectList())
			.thenAwait(Duration.ofSeconds(2))
			.assertNext((responses) -> {
				assertThat(responses).hasSize(40);
				// 5% of 40 requests: two hedges, which won; the other 38 waited for the
				// primary.
				assertThat(responses).filteredOn((r) -> r.response().provider().equals("b")).hasSize(2);
				assertThat(responses).filteredOn((r) -> r.response().provider().equals("a")).hasSize(38);
			})
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(fallback.received()).hasSize(2);
		assertThat(chain.hedgeBudget().granted()).isEqualTo(2);
		assertThat(chain.hedgeBudget().refused()).isEqualTo(38);
	}

	@Test
	void aHedgedRequestFallsOverAtOnceWhenThePrimaryFailsBeforeTheDelay() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> Mono.delay(Duration.ofMillis(50))
			.then(Mono.error(new ProviderException("a", FailureCategory.OVERLOADED, 503, null, "busy", null))));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.hedge = HedgeSettings.after(Duration.ofMillis(500), 1.0);

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.thenAwait(Duration.ofMillis(50))
			.assertNext(
					(response) -> assertThat(response.attempts()).extracting(AttemptRecord::label, AttemptRecord::hedge)
						.containsExactly(tuple("overloaded", false), tuple("success", false)))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(setup.chain.hedgeBudget().granted()).isZero();
	}

	@Test
	void aRetryWaitsForRetryAfterThenServes() {
		AtomicInteger calls = new AtomicInteger();
		ScriptedProvider primary = ScriptedProvider.of("a",
				(request) -> (calls.getAndIncrement() == 0) ? Mono.error(new ProviderException("a",
						FailureCategory.RATE_LIMITED, 429, Duration.ofSeconds(2), "slow down", null))
						: answerAfter("a", Duration.ZERO));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.guard("a", (guard) -> withRetry(guard, 2, Duration.ofMillis(100), Duration.ofSeconds(5)));

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1_999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((response) -> {
				assertThat(response.response().provider()).isEqualTo("a");
				assertThat(response.attempts()).extracting(AttemptRecord::label, AttemptRecord::retry)
					.containsExactly(tuple("rate-limited", 0), tuple("success", 1));
			})
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(fallback.received()).isEmpty();
		assertThat(setup.chain.retryBudget().granted()).isEqualTo(1);
	}

	@Test
	void aRetryAfterLongerThanWhatIsLeftOfTheBudgetMovesOnAtOnce() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> Mono.error(new ProviderException("a",
				FailureCategory.RATE_LIMITED, 429, Duration.ofSeconds(5), "slow down", null)));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		setup.budget = Duration.ofSeconds(3);
		setup.guard("a", (guard) -> withRetry(guard, 2, Duration.ofMillis(100), Duration.ofSeconds(10)));

		// No virtual time passes: a retry would have had to wait 5 s.
		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.assertNext((response) -> assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("rate-limited", "success"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		assertThat(primary.received()).hasSize(1);
		assertThat(setup.chain.retryBudget().granted()).isZero();
	}

	@Test
	void retriesStopAtTheRetryBudgetWhenEveryCallFails() {
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> Mono
			.error(new ProviderException("a", FailureCategory.SERVER_ERROR, 500, null, "boom", null)));
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		Setup setup = new Setup(List.of(primary, fallback));
		// A breaker that never opens, so that only the budget holds retries back.
		setup.breaker = new BreakerSettings(10_000, Duration.ofMinutes(1), Duration.ofMinutes(1), false);
		setup.guard("a", (guard) -> withRetry(guard, 3, Duration.ofMillis(100), Duration.ofMillis(400)));
		setup.maxAttempts = 10;
		DefaultFallbackChain chain = setup.chain();

		StepVerifier.withVirtualTime(() -> Flux.range(0, 200).flatMap((i) -> chain.chat(REQUEST)).collectList())
			.thenAwait(Duration.ofSeconds(5))
			.assertNext((responses) -> assertThat(responses).hasSize(200)
				.allSatisfy((response) -> assertThat(response.response().provider()).isEqualTo("b")))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
		// Without the budget 200 requests would retry 600 times; it allows 10% of them
		// and one more.
		long retries = chain.retryBudget().granted();
		assertThat(retries).isPositive().isLessThanOrEqualTo(20 + 1);
		assertThat(primary.received()).hasSize((int) (200 + retries));
		assertThat(chain.retryBudget().refused()).isPositive();
	}

	@ParameterizedTest(name = "max-attempts {0}, retries {1}, hedge {2}, providers {3}")
	@CsvSource({ "1,0,false,hang", "1,3,true,fail", "2,3,false,fail", "2,0,true,hang", "2,3,true,fail", "3,3,true,fail",
			"3,3,true,hang", "4,2,true,fail", "2,3,true,slowFail", "3,1,false,slowFail" })
	void maxAttemptsHoldsHoweverRetriesHedgesAndFallbacksCombine(int maxAttempts, int retries, boolean hedge,
			String behaviour) {
		AtomicInteger calls = new AtomicInteger();
		Function<String, Mono<ChatResponse>> provider = switch (behaviour) {
			case "hang" -> (name) -> Mono.never();
			case "fail" -> (name) -> Mono
				.error(new ProviderException(name, FailureCategory.SERVER_ERROR, 500, null, "boom", null));
			default -> (name) -> Mono.delay(Duration.ofMillis(300))
				.then(Mono.error(new ProviderException(name, FailureCategory.SERVER_ERROR, 500, null, "boom", null)));
		};
		List<LlmProvider> providers = new ArrayList<>();
		for (String name : List.of("a", "b", "c")) {
			providers.add(ScriptedProvider.of(name, (request) -> {
				calls.incrementAndGet();
				return provider.apply(name);
			}));
		}
		Setup setup = new Setup(providers);
		setup.maxAttempts = maxAttempts;
		setup.budget = Duration.ofSeconds(5);
		if (hedge) {
			setup.hedge = HedgeSettings.after(Duration.ofMillis(100), 1.0);
		}
		for (String name : List.of("a", "b", "c")) {
			setup.guard(name, (guard) -> withRetry(guard, retries, Duration.ofMillis(10), Duration.ofMillis(50)));
		}

		StepVerifier.withVirtualTime(() -> setup.chain().chat(REQUEST))
			.thenAwait(Duration.ofSeconds(5))
			.expectErrorSatisfies((ex) -> {
				List<AttemptRecord> attempts = ((ChainFailureException) ex).getAttempts();
				assertThat(attempts.stream().filter(AttemptRecord::called)).hasSizeLessThanOrEqualTo(maxAttempts);
			})
			.verify(VERIFY_TIMEOUT);
		assertThat(calls.get()).isLessThanOrEqualTo(maxAttempts);
		if (!behaviour.equals("hang") && (retries > 0 || maxAttempts <= 3)) {
			// The limit, not a lack of work, is what stopped the request.
			assertThat(calls.get()).isEqualTo(maxAttempts);
		}
	}

	private static Mono<ChatResponse> answerAfter(String provider, Duration delay) {
		return Mono.delay(delay)
			.thenReturn(new ChatResponse("served by " + provider, "stop", new TokenUsage(100, 20), provider,
					"model-" + provider, delay));
	}

	private static GuardSettings withMaxConcurrency(GuardSettings guard, int maxConcurrency) {
		return new GuardSettings(guard.timeout(), guard.slowCallDetection(), guard.slowCallThreshold(),
				guard.slowCallsToOpen(), maxConcurrency, guard.retry(), guard.rateLimit());
	}

	private static GuardSettings withRetry(GuardSettings guard, int maxAttempts, Duration initial, Duration max) {
		return new GuardSettings(guard.timeout(), guard.slowCallDetection(), guard.slowCallThreshold(),
				guard.slowCallsToOpen(), guard.maxConcurrency(),
				new RetrySettings(maxAttempts, initial, max, RetrySettings.DEFAULT_ON), guard.rateLimit());
	}

	/**
	 * A chain of scripted providers, its breakers and guards, each setting changeable
	 * before it is built.
	 */
	private static final class Setup {

		final List<LlmProvider> providers;

		final Map<String, Function<GuardSettings, GuardSettings>> guardChanges = new LinkedHashMap<>();

		BreakerSettings breaker = BreakerSettings.DEFAULTS;

		Duration budget = Duration.ofSeconds(30);

		HedgeSettings hedge = HedgeSettings.OFF;

		int maxAttempts;

		ProviderCircuitBreakers breakers;

		ProviderGuards guards;

		DefaultFallbackChain chain;

		Setup(List<LlmProvider> providers) {
			this.providers = providers;
			this.maxAttempts = ChainSettings.defaultMaxAttempts(providers.size());
		}

		void guard(String provider, Function<GuardSettings, GuardSettings> change) {
			this.guardChanges.put(provider, change);
		}

		DefaultFallbackChain chain() {
			if (this.chain != null) {
				return this.chain;
			}
			Map<String, BreakerSettings> breakerSettings = new LinkedHashMap<>();
			Map<String, GuardSettings> guardSettings = new LinkedHashMap<>();
			Map<String, Pricing> pricing = new LinkedHashMap<>();
			for (LlmProvider provider : this.providers) {
				breakerSettings.put(provider.name(), this.breaker);
				GuardSettings defaults = GuardSettings.defaults(provider.timeout(), this.breaker);
				guardSettings.put(provider.name(),
						this.guardChanges.getOrDefault(provider.name(), Function.identity()).apply(defaults));
				pricing.put(provider.name(), new Pricing(BigDecimal.ONE, BigDecimal.TEN));
			}
			this.breakers = new ProviderCircuitBreakers(breakerSettings, Clock.systemUTC(), (transition) -> {
			});
			this.guards = new ProviderGuards(guardSettings, this.breakers);
			ChainSettings settings = new ChainSettings("onset", this.providers.stream().map(LlmProvider::name).toList(),
					this.budget, 2048, ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true, this.maxAttempts,
					ChainSettings.DEFAULT_RETRY_BUDGET, this.hedge);
			this.chain = new DefaultFallbackChain(settings, this.providers, this.breakers, this.guards, pricing,
					(outcome) -> {
					}, ChainExtensions.NONE);
			return this.chain;
		}

	}

}
