package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.VirtualTime;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls in flight open a provider's breaker once enough of them are past the slow-call
 * threshold and none made since has been answered; on virtual time, to the millisecond.
 */
@ExtendWith(VirtualTime.class)
class ProviderGuardsSlowCallTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration OPEN_DURATION = Duration.ofSeconds(30);

	private final MutableClock clock = new MutableClock();

	private final List<BreakerTransition> transitions = new ArrayList<>();

	private final VirtualTimeScheduler time;

	private ProviderCircuitBreakers breakers;

	private ProviderGuards guards;

	ProviderGuardsSlowCallTest(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void slowCallsInFlightOpenTheBreakerAtTheThresholdLongBeforeTheTimeout() {
		guards(true, Duration.ofSeconds(2));
		AtomicBoolean opened = new AtomicBoolean();
		this.breakers.nextOpening("a").subscribe(null, null, () -> opened.set(true));
		hanging(3);

		this.time.advanceTimeBy(Duration.ofMillis(1_999));
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		assertThat(opened).isFalse();
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
		assertThat(opened).isTrue();
		assertThat(this.transitions).extracting(BreakerTransition::to).containsExactly(State.OPEN);
		assertThat(this.guards.inFlight("a")).isEqualTo(3);
	}

	@Test
	void fewerSlowCallsThanTheBreakerNeedsOpenNothing() {
		guards(true, Duration.ofSeconds(2));
		hanging(2);

		this.time.advanceTimeBy(Duration.ofSeconds(9));
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
	}

	@Test
	void withoutSlowCallDetectionHangingCallsOpenNothing() {
		guards(false, Duration.ofSeconds(2));
		hanging(5);

		this.time.advanceTimeBy(Duration.ofSeconds(20));
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		assertThat(this.guards.inFlight("a")).isEqualTo(5);
	}

	@Test
	void aSlowTailIsNotAHangWhileCallsMadeSinceKeepBeingAnswered() {
		guards(true, Duration.ofSeconds(2));
		hanging(3);
		for (int i = 0; i < 50; i++) {
			this.time.advanceTimeBy(Duration.ofMillis(100));
			answering(Duration.ofMillis(100));
		}
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		assertThat(this.guards.inFlight("a")).isEqualTo(4);

		// Once the provider stops answering, calls made after the last answer open it.
		this.time.advanceTimeBy(Duration.ofMillis(100));
		hanging(3);
		assertOpensAfter(Duration.ofSeconds(2));
	}

	@Test
	void aSlowCallFromBeforeTheLastAnswerDoesNotHoldDetectionBack() {
		guards(true, Duration.ofSeconds(2));
		hanging(1);
		this.time.advanceTimeBy(Duration.ofMillis(100));
		answering(Duration.ofMillis(100));
		this.time.advanceTimeBy(Duration.ofMillis(200));
		// The provider stops answering: the first call is slow from 2 s, these three from
		// 2.3 s.
		hanging(3);
		assertOpensAfter(Duration.ofSeconds(2));
	}

	@Test
	void aRejectionIsAnAnswerACallGivenUpIsNot() {
		guards(true, Duration.ofSeconds(2));
		hanging(3);
		for (int i = 0; i < 30; i++) {
			this.time.advanceTimeBy(Duration.ofMillis(100));
			call(Mono.error(new ProviderException("a", FailureCategory.BAD_REQUEST, 400, null, "invalid model", null)));
		}
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);

		guards(true, Duration.ofSeconds(2));
		hanging(3);
		for (int i = 0; i < 15; i++) {
			this.time.advanceTimeBy(Duration.ofMillis(100));
			Disposable givenUp = call(Mono.never());
			this.time.advanceTimeBy(Duration.ofMillis(50));
			givenUp.dispose();
		}
		this.time.advanceTimeBy(Duration.ofMillis(250));
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
	}

	@Test
	void halfOpenASingleSlowProbeReopensTheBreaker() {
		guards(true, Duration.ofSeconds(2));
		List<Disposable> calls = hanging(3);
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
		// Given up when the breaker opened, as the chain does.
		calls.forEach(Disposable::dispose);
		assertThat(this.guards.inFlight("a")).isZero();

		this.clock.advance(OPEN_DURATION.plusMillis(1));
		hanging(1);
		assertThat(this.breakers.state("a")).isEqualTo(State.HALF_OPEN);
		assertOpensAfter(Duration.ofSeconds(2));
		assertThat(this.transitions).extracting(BreakerTransition::to)
			.containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN);
	}

	@Test
	void theDerivedThresholdIsTheTimeoutUntilTwentyCallsWereAnswered() {
		guards(true, null);
		answeredCalls(19, Duration.ofMillis(300));
		assertThat(this.guards.latencyPercentile("a", 95)).isEmpty();
		assertThat(this.guards.slowCallThreshold("a")).isEqualTo(TIMEOUT);

		hanging(3);
		assertOpensAfter(TIMEOUT);
	}

	@Test
	void theDerivedThresholdOfFastAnswersIsTheOneSecondFloor() {
		guards(true, null);
		answeredCalls(50, Duration.ofMillis(300));
		assertThat(this.guards.latencyPercentile("a", 99))
			.hasValueSatisfying((p99) -> assertThat(p99).isBetween(Duration.ofMillis(300), Duration.ofMillis(330)));
		assertThat(this.guards.slowCallThreshold("a")).isEqualTo(Duration.ofSeconds(1));

		hanging(3);
		assertOpensAfter(Duration.ofSeconds(1));
	}

	@Test
	void theDerivedThresholdIsTwiceTheP99OfRecentAnswers() {
		guards(true, null);
		answeredCalls(50, Duration.ofMillis(800));
		Duration p99 = this.guards.latencyPercentile("a", 99).orElseThrow();
		assertThat(p99).isBetween(Duration.ofMillis(800), Duration.ofMillis(880));
		Duration threshold = this.guards.slowCallThreshold("a");
		assertThat(threshold).isEqualTo(p99.multipliedBy(2));

		hanging(3);
		assertOpensAfter(threshold);
	}

	@Test
	void theDerivedThresholdForgetsAnswersOlderThanFiveMinutes() {
		guards(true, null);
		answeredCalls(50, Duration.ofMillis(300));
		assertThat(this.guards.slowCallThreshold("a")).isEqualTo(Duration.ofSeconds(1));

		this.time.advanceTimeBy(Duration.ofMinutes(5));
		assertThat(this.guards.latencyPercentile("a", 99)).isEmpty();
		assertThat(this.guards.slowCallThreshold("a")).isEqualTo(TIMEOUT);
	}

	@Test
	void theDerivedThresholdIsNeverAboveTheTimeout() {
		guards(true, null);
		answeredCalls(30, Duration.ofSeconds(8));
		assertThat(this.guards.slowCallThreshold("a")).isEqualTo(TIMEOUT);
	}

	private void guards(boolean detection, @Nullable Duration threshold) {
		this.breakers = new ProviderCircuitBreakers(
				Map.of("a", new BreakerSettings(3, Duration.ofSeconds(30), OPEN_DURATION, false)), this.clock,
				this.transitions::add);
		this.guards = new ProviderGuards(Map.of("a", new GuardSettings(TIMEOUT, detection, threshold, 3, 1000,
				RetrySettings.OFF, RateLimitSettings.DEFAULTS)), this.breakers);
	}

	/** Advances time to just before the breaker opens, then to when it does. */
	private void assertOpensAfter(Duration delay) {
		State before = this.breakers.state("a");
		this.time.advanceTimeBy(delay.minusMillis(1));
		assertThat(this.breakers.state("a")).isEqualTo(before);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
	}

	private List<Disposable> hanging(int count) {
		return IntStream.range(0, count).mapToObj((i) -> call(Mono.never())).toList();
	}

	private void answering(Duration latency) {
		call(Mono.just(response()).delayElement(latency));
	}

	/** Answered calls, all started at once and answered after the latency. */
	private void answeredCalls(int count, Duration latency) {
		for (int i = 0; i < count; i++) {
			answering(latency);
		}
		this.time.advanceTimeBy(latency);
		assertThat(this.guards.inFlight("a")).isZero();
	}

	private Disposable call(Mono<ChatResponse> call) {
		return this.breakers.protect("a", this.guards.guard("a", 0, call)).subscribe(null, (ex) -> {
		});
	}

	static ChatResponse response() {
		return new ChatResponse("ok", "stop", new TokenUsage(10, 5), "a", "model", Duration.ZERO);
	}

}
