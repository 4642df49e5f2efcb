package io.llmfallback.chain.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An answer and the opening of its provider's breaker, on two real threads at the same
 * moment: the call is either served or given up, never both, and never recorded twice.
 */
class FallbackChainCancellationRaceTest {

	private static final int ROUNDS = 300;

	@Test
	void aCallIsServedOrGivenUpNeverBoth() throws Exception {
		AtomicReference<Sinks.One<ChatResponse>> answer = new AtomicReference<>();
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> answer.get().asMono());
		ScriptedProvider fallback = ScriptedProvider.answering("b", "served by b");
		List<LlmProvider> providers = List.of(primary, fallback);
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of("a", BreakerSettings.DEFAULTS, "b", BreakerSettings.DEFAULTS), Clock.systemUTC(),
				(transition) -> {
				});
		FallbackChain chain = new DefaultFallbackChain(new ChainSettings("race", List.of("a", "b"),
				Duration.ofSeconds(30), 2048, ChainSettings.DEFAULT_FALLBACK_ON), providers, breakers, Map.of(),
				(outcome) -> {
				});
		CircuitBreaker breaker = breakers.registry().circuitBreaker("a");
		for (int round = 0; round < ROUNDS; round++) {
			breaker.transitionToClosedState();
			answer.set(Sinks.one());
			AtomicReference<ChainResponse> served = new AtomicReference<>();
			CountDownLatch done = new CountDownLatch(1);
			chain.chat(ChatRequest.ofUser("hi")).subscribe((response) -> {
				served.set(response);
				done.countDown();
			}, (error) -> done.countDown());
			CountDownLatch go = new CountDownLatch(1);
			CountDownLatch fired = new CountDownLatch(2);
			Schedulers.boundedElastic().schedule(() -> {
				awaitUninterrupted(go);
				answer.get()
					.tryEmitValue(new ChatResponse("served by a", "stop", new TokenUsage(10, 20), "a", "model-a",
							Duration.ZERO));
				fired.countDown();
			});
			Schedulers.boundedElastic().schedule(() -> {
				awaitUninterrupted(go);
				breakers.openForSlowCalls("a", "race");
				fired.countDown();
			});
			go.countDown();
			// Both threads done, so that neither reaches into the next round.
			assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

			List<String> labels = served.get().attempts().stream().map(AttemptRecord::label).toList();
			// Whichever thread wins, the primary's call has one record that says how it
			// ended.
			assertThat(labels).isIn(List.of("success"), List.of("cancelled", "success"));
			assertThat(served.get().response().provider()).isEqualTo(labels.size() == 1 ? "a" : "b");
		}
	}

	@Test
	void twoAnswersOfAHedgedRequestAtOnceServeOneAndBillBoth() throws Exception {
		AtomicReference<Sinks.One<ChatResponse>> primaryAnswer = new AtomicReference<>();
		AtomicReference<Sinks.One<ChatResponse>> hedgeAnswer = new AtomicReference<>();
		ScriptedProvider primary = ScriptedProvider.of("a", (request) -> primaryAnswer.get().asMono());
		ScriptedProvider fallback = ScriptedProvider.of("b", (request) -> hedgeAnswer.get().asMono());
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of("a", BreakerSettings.DEFAULTS, "b", BreakerSettings.DEFAULTS), Clock.systemUTC(),
				(transition) -> {
				});
		ChainSettings settings = new ChainSettings("race", List.of("a", "b"), Duration.ofSeconds(30), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true, 3, ChainSettings.DEFAULT_RETRY_BUDGET,
				HedgeSettings.after(Duration.ofMillis(1), 1.0));
		FallbackChain chain = new DefaultFallbackChain(settings, List.of(primary, fallback), breakers, Map.of(),
				(outcome) -> {
				});
		for (int round = 0; round < ROUNDS; round++) {
			primaryAnswer.set(Sinks.one());
			hedgeAnswer.set(Sinks.one());
			AtomicReference<ChainResponse> served = new AtomicReference<>();
			CountDownLatch done = new CountDownLatch(1);
			int hedgesBefore = fallback.received().size();
			chain.chat(ChatRequest.ofUser("hi")).subscribe((response) -> {
				served.set(response);
				done.countDown();
			}, (error) -> done.countDown());
			await().pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(1))
				.atMost(Duration.ofSeconds(10))
				.until(() -> fallback.received().size() > hedgesBefore);
			CountDownLatch go = new CountDownLatch(1);
			CountDownLatch fired = new CountDownLatch(2);
			for (AtomicReference<Sinks.One<ChatResponse>> answer : List.of(primaryAnswer, hedgeAnswer)) {
				Sinks.One<ChatResponse> sink = answer.get();
				String provider = (answer == primaryAnswer) ? "a" : "b";
				Schedulers.boundedElastic().schedule(() -> {
					awaitUninterrupted(go);
					sink.tryEmitValue(new ChatResponse("served by " + provider, "stop", new TokenUsage(10, 20),
							provider, "model-" + provider, Duration.ZERO));
					fired.countDown();
				});
			}
			go.countDown();
			assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

			ChainResponse response = served.get();
			// One answer served, and the other given up or come second: hedge-lost,
			// whichever it was.
			assertThat(response.attempts()).extracting(AttemptRecord::outcome)
				.containsExactlyInAnyOrder(AttemptOutcome.SUCCESS, AttemptOutcome.HEDGE_LOST);
			assertThat(response.servingAttempt().provider()).isEqualTo(response.response().provider());
			assertThat(response.path())
				.isEqualTo(response.response().provider().equals("a") ? ServedPath.PRIMARY : ServedPath.FALLBACK);
		}
	}

	private static void awaitUninterrupted(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
