package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.support.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard's bookkeeping under real threads: calls start on one thread and end on
 * Reactor's, the bulkhead holds exactly, and every call in flight is let go of, whatever
 * the interleaving.
 */
class ProviderGuardsConcurrencyTest {

	private static final int THREADS = 8;

	private static final int CALLS_PER_THREAD = 2_000;

	private static final int MAX_CONCURRENCY = 4;

	@Test
	void theBulkheadHoldsAndEveryCallIsLetGoOfUnderContention() throws Exception {
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(Map.of("a", BreakerSettings.DEFAULTS),
				new MutableClock(), (transition) -> {
				});
		// Slow-call detection off: a stall of this busy machine must not open the breaker
		// the test watches.
		ProviderGuards guards = new ProviderGuards(Map.of("a", new GuardSettings(Duration.ofSeconds(10), false,
				Duration.ofSeconds(1), 3, MAX_CONCURRENCY, RetrySettings.OFF, RateLimitSettings.DEFAULTS)), breakers);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		AtomicInteger answered = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		// Counted from subscription until just before the guard sees the end, on a
		// parallel thread.
		Mono<ChatResponse> call = Mono.fromCallable(() -> {
			mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			return ProviderGuardsSlowCallTest.response();
		}).delayElement(Duration.ofMillis(1)).doOnTerminate(running::decrementAndGet);

		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				done.add(threads.submit(() -> {
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						guards.guard("a", 0, call)
							.doOnNext((response) -> answered.incrementAndGet())
							.onErrorResume(AttemptRefusedException.class, (ex) -> {
								refused.incrementAndGet();
								return Mono.empty();
							})
							.block(Duration.ofSeconds(10));
					}
				}));
			}
			for (Future<?> thread : done) {
				thread.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(answered.get() + refused.get()).isEqualTo(THREADS * CALLS_PER_THREAD);
		assertThat(refused).hasPositiveValue();
		assertThat(mostRunning.get()).isLessThanOrEqualTo(MAX_CONCURRENCY);
		assertThat(guards.inFlight("a")).isZero();
		assertThat(guards.latencyPercentile("a", 50)).isPresent();
		assertThat(breakers.state("a")).isEqualTo(State.CLOSED);
	}

}
