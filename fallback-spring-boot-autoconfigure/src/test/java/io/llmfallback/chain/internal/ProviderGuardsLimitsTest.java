package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRefusedException;
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
 * The bulkhead, the rate limits and a provider's {@code retry-after} refuse calls without
 * sending them; on virtual time, which refills the buckets and ends the
 * {@code retry-after}.
 */
@ExtendWith(VirtualTime.class)
class ProviderGuardsLimitsTest {

	private final VirtualTimeScheduler time;

	private ProviderGuards guards;

	/** How many calls were sent, that is subscribed. */
	private final AtomicInteger sent = new AtomicInteger();

	ProviderGuardsLimitsTest(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void theBulkheadRefusesACallOverTheLimitUnsentAndAdmitsAgainOnceOneEnds() {
		guards(2, RateLimitSettings.DEFAULTS);
		Disposable first = hanging(0);
		hanging(0);
		assertThat(this.guards.inFlight("a")).isEqualTo(2);

		assertThat(refusal(0, Mono.never())).isEqualTo(AttemptOutcome.BULKHEAD_FULL);
		assertThat(this.sent).hasValue(2);
		assertThat(this.guards.inFlight("a")).isEqualTo(2);

		first.dispose();
		assertThat(this.guards.inFlight("a")).isEqualTo(1);
		assertThat(refusal(0, Mono.never())).isNull();
		assertThat(this.sent).hasValue(3);
	}

	@Test
	void requestsAMinuteRefuseOverflowUnsentAndRefillContinuously() {
		guards(1000, new RateLimitSettings(2, 0, true));
		assertThat(answered(0)).isNull();
		assertThat(answered(0)).isNull();
		assertThat(answered(0)).isEqualTo(AttemptOutcome.THROTTLED);
		assertThat(this.sent).hasValue(2);

		// Two a minute is one every 30 s.
		this.time.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(answered(0)).isEqualTo(AttemptOutcome.THROTTLED);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(answered(0)).isNull();
		assertThat(answered(0)).isEqualTo(AttemptOutcome.THROTTLED);
		assertThat(this.sent).hasValue(3);
	}

	@Test
	void tokensAMinuteRefuseOverflowUnsentAndRefillContinuously() {
		guards(1000, new RateLimitSettings(0, 6_000, true));
		assertThat(answered(4_000)).isNull();
		assertThat(answered(2_500)).isEqualTo(AttemptOutcome.THROTTLED);
		assertThat(this.sent).hasValue(1);

		// 6,000 a minute is 100 a second: 500 more in 5 s.
		this.time.advanceTimeBy(Duration.ofMillis(4_990));
		assertThat(answered(2_500)).isEqualTo(AttemptOutcome.THROTTLED);
		this.time.advanceTimeBy(Duration.ofMillis(10));
		assertThat(answered(2_500)).isNull();
		assertThat(this.sent).hasValue(2);
	}

	@Test
	void usageAboveTheEstimateIsDebitedSoThatTheNextCallWaits() {
		guards(1000, new RateLimitSettings(0, 6_000, true));
		// Estimated at 1,000, billed 3,000: 3,000 left, not 5,000.
		assertThat(refusal(1_000, Mono.just(response(2_000, 1_000)))).isNull();
		assertThat(answered(3_500)).isEqualTo(AttemptOutcome.THROTTLED);

		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(answered(3_500)).isNull();
	}

	@Test
	void usageBelowTheEstimateIsRefunded() {
		guards(1000, new RateLimitSettings(0, 6_000, true));
		// Estimated at 5,000, billed 1,000: 5,000 left.
		assertThat(refusal(5_000, Mono.just(response(600, 400)))).isNull();
		assertThat(answered(5_000)).isNull();
	}

	@Test
	void aFailureWithoutBilledUsageGivesItsTokensBackButStillCountsAsARequest() {
		guards(1000, new RateLimitSettings(2, 6_000, true));
		ProviderException overloaded = new ProviderException("a", FailureCategory.OVERLOADED, 529, null, "overloaded",
				null);
		assertThat(refusal(5_000, Mono.error(overloaded))).isNull();
		assertThat(answered(5_000)).isNull();
		assertThat(answered(1)).isEqualTo(AttemptOutcome.THROTTLED);
	}

	@Test
	void aRequestLargerThanAMinuteOfTokensGoesWhenTheBucketIsFullThenTheNextWaits() {
		guards(1000, new RateLimitSettings(0, 6_000, true));
		assertThat(answered(10_000)).isNull();
		// 4,000 below zero: 40 s before one token is back.
		assertThat(answered(1)).isEqualTo(AttemptOutcome.THROTTLED);
		this.time.advanceTimeBy(Duration.ofMillis(40_009));
		assertThat(answered(1)).isEqualTo(AttemptOutcome.THROTTLED);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(answered(1)).isNull();

		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(answered(10_000)).isEqualTo(AttemptOutcome.THROTTLED);
	}

	@Test
	void aCallRefusedTakesNothingFromTheBucketsBeforeTheRefusal() {
		guards(1, new RateLimitSettings(2, 1_000, true));
		Disposable inFlight = hanging(300);
		// Refused by the tokens bucket: its request is given back.
		assertThat(answered(800)).isEqualTo(AttemptOutcome.THROTTLED);
		// Refused by the bulkhead: its request and tokens are given back.
		assertThat(answered(700)).isEqualTo(AttemptOutcome.BULKHEAD_FULL);
		inFlight.dispose();
		assertThat(answered(700)).isNull();
	}

	@Test
	void aRetryAfterKeepsEveryCallFromTheProviderUntilItEnds() {
		guards(1000, RateLimitSettings.DEFAULTS);
		assertThat(this.guards.limitedFor("a")).isNull();
		assertThat(refusal(0, Mono.error(rateLimited(Duration.ofSeconds(5))))).isNull();
		assertThat(this.guards.limitedFor("a")).isEqualTo(Duration.ofSeconds(5));

		this.time.advanceTimeBy(Duration.ofMillis(4_999));
		assertThat(this.guards.limitedFor("a")).isEqualTo(Duration.ofMillis(1));
		assertThat(answered(0)).isEqualTo(AttemptOutcome.THROTTLED);
		assertThat(this.sent).hasValue(1);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.guards.limitedFor("a")).isNull();
		assertThat(answered(0)).isNull();
		assertThat(this.sent).hasValue(2);
	}

	@Test
	void aRetryAfterIsHeldToAMinute() {
		guards(1000, RateLimitSettings.DEFAULTS);
		assertThat(refusal(0, Mono.error(rateLimited(Duration.ofHours(1))))).isNull();
		assertThat(this.guards.limitedFor("a")).isEqualTo(Duration.ofSeconds(60));

		this.time.advanceTimeBy(Duration.ofSeconds(60));
		assertThat(answered(0)).isNull();
	}

	@Test
	void aRetryAfterIsIgnoredWhenNotRespected() {
		guards(1000, new RateLimitSettings(0, 0, false));
		assertThat(refusal(0, Mono.error(rateLimited(Duration.ofSeconds(5))))).isNull();
		assertThat(this.guards.limitedFor("a")).isNull();
		assertThat(answered(0)).isNull();
		assertThat(this.sent).hasValue(2);
	}

	@Test
	void aRetryAfterOnAnotherFailureThanARateLimitLimitsNothing() {
		guards(1000, RateLimitSettings.DEFAULTS);
		ProviderException unavailable = new ProviderException("a", FailureCategory.OVERLOADED, 503,
				Duration.ofSeconds(5), "service unavailable", null);
		assertThat(refusal(0, Mono.error(unavailable))).isNull();
		assertThat(this.guards.limitedFor("a")).isNull();
	}

	private void guards(int maxConcurrency, RateLimitSettings rates) {
		MutableClock clock = new MutableClock();
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(Map.of("a", BreakerSettings.DEFAULTS), clock,
				(transition) -> {
				});
		this.guards = new ProviderGuards(Map.of("a",
				new GuardSettings(Duration.ofSeconds(10), true, null, 3, maxConcurrency, RetrySettings.OFF, rates)),
				breakers);
	}

	/**
	 * A call estimated at the tokens, answered at once with exactly that usage: how it
	 * was refused, or null.
	 */
	private @Nullable AttemptOutcome answered(long tokens) {
		return refusal(tokens, Mono.just(response(tokens, 0)));
	}

	/** Makes a call: how the guard refused it, or {@code null} when it was sent. */
	private @Nullable AttemptOutcome refusal(long estimatedTokens, Mono<ChatResponse> call) {
		AtomicReference<@Nullable AttemptOutcome> refused = new AtomicReference<>();
		send(estimatedTokens, call, refused);
		return refused.get();
	}

	/** A call that hangs, asserted sent. */
	private Disposable hanging(long estimatedTokens) {
		AtomicReference<@Nullable AttemptOutcome> refused = new AtomicReference<>();
		Disposable call = send(estimatedTokens, Mono.never(), refused);
		assertThat(refused).hasNullValue();
		return call;
	}

	private Disposable send(long estimatedTokens, Mono<ChatResponse> call,
			AtomicReference<@Nullable AttemptOutcome> refused) {
		Mono<ChatResponse> counted = call.doOnSubscribe((subscription) -> this.sent.incrementAndGet());
		return this.guards.guard("a", estimatedTokens, counted).subscribe(null, (ex) -> {
			if (ex instanceof AttemptRefusedException refusal) {
				refused.set(refusal.getOutcome());
			}
		});
	}

	private static ChatResponse response(long inputTokens, long outputTokens) {
		TokenUsage usage = new TokenUsage(inputTokens, outputTokens);
		return new ChatResponse("ok", "stop", usage, "a", "model", Duration.ZERO);
	}

	private static ProviderException rateLimited(Duration retryAfter) {
		return new ProviderException("a", FailureCategory.RATE_LIMITED, 429, retryAfter, "rate limit reached", null);
	}

}
