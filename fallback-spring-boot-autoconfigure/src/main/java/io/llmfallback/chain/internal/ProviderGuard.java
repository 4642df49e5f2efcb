package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The guard of one provider; see {@link ProviderGuards}. */
final class ProviderGuard {

	/**
	 * Twice the p99: a healthy provider's call passes its own p99 once in a hundred,
	 * twice it hardly ever, so that several calls past it at once, with none answered
	 * since, are a provider that has stopped.
	 */
	static final int SLOW_CALL_P99_MULTIPLE = 2;

	/**
	 * The least derived threshold: under a second, a healthy provider's jitter and pauses
	 * would cross it.
	 */
	static final Duration SLOW_CALL_FLOOR = Duration.ofSeconds(1);

	/**
	 * The longest a {@code retry-after} keeps every call from the provider: the header is
	 * the provider's (or whatever answers in its name) and could otherwise shut it out
	 * for days.
	 */
	static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

	private static final long NOT_LIMITED = Long.MIN_VALUE;

	private final String provider;

	private final GuardSettings settings;

	private final ProviderCircuitBreakers breakers;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final SlowCalls calls = new SlowCalls();

	private final RecentLatency latency = new RecentLatency();

	/**
	 * The time to first chunk of streamed calls, apart from {@link #latency}: a first
	 * chunk comes long before a whole answer, so the one would set the other's slow-call
	 * threshold far too low or too high.
	 */
	private final RecentLatency firstChunkLatency = new RecentLatency();

	private final @Nullable TokenBucket requests;

	private final @Nullable TokenBucket tokens;

	/**
	 * Until when, by {@link ReactorTime#nanos()}, the last {@code retry-after} keeps
	 * calls away.
	 */
	private final AtomicLong limitedUntil = new AtomicLong(NOT_LIMITED);

	ProviderGuard(String provider, GuardSettings settings, ProviderCircuitBreakers breakers) {
		this.provider = provider;
		this.settings = settings;
		this.breakers = breakers;
		RateLimitSettings rates = settings.rateLimit();
		this.requests = (rates.requestsPerMinute() > 0) ? new TokenBucket(rates.requestsPerMinute()) : null;
		this.tokens = (rates.tokensPerMinute() > 0) ? new TokenBucket(rates.tokensPerMinute()) : null;
	}

	GuardSettings settings() {
		return this.settings;
	}

	Mono<ChatResponse> guard(long estimatedTokens, Mono<ChatResponse> call) {
		long estimate = Math.max(0, estimatedTokens);
		return Mono.defer(() -> {
			AttemptRefusedException refused = admit(estimate);
			if (refused != null) {
				return Mono.error(refused);
			}
			SlowCalls.Call started = start(slowCallThreshold());
			return call.doOnSuccess((response) -> end(started, estimate, response, null))
				.doOnError((ex) -> end(started, estimate, null, ex))
				.doOnCancel(() -> end(started, estimate, null, null));
		});
	}

	/**
	 * Guards a streamed call: admitted like a unary one, and in flight, for the bulkhead,
	 * until the stream ends. For slow-call detection the first chunk is the answer: a
	 * stream whose first chunk is late is a slow call in flight, and one that has started
	 * streaming is not, however long its text.
	 * @param firstChunkDeadline the attempt's own deadline for the first chunk, which
	 * bounds the threshold
	 */
	Flux<ChatChunk> guardStream(long estimatedTokens, Duration firstChunkDeadline, Flux<ChatChunk> stream) {
		long estimate = Math.max(0, estimatedTokens);
		return Flux.defer(() -> {
			AttemptRefusedException refused = admit(estimate);
			if (refused != null) {
				return Flux.error(refused);
			}
			SlowCalls.Call started = start(firstChunkThreshold(firstChunkDeadline));
			AtomicBoolean ended = new AtomicBoolean();
			AtomicReference<@Nullable TokenUsage> usage = new AtomicReference<>();
			return stream.doOnNext((chunk) -> {
				if (stopWatching(started, true)) {
					this.firstChunkLatency.record(since(started));
				}
				if (chunk.usage() != null) {
					usage.set(chunk.usage());
				}
			})
				.doOnComplete(() -> endStream(started, ended, estimate, usage.get(), null))
				.doOnError((ex) -> endStream(started, ended, estimate, usage.get(), ex))
				.doOnCancel(() -> endStream(started, ended, estimate, usage.get(), null));
		});
	}

	/**
	 * Takes what the call needs, in the order retry-after, requests, tokens, bulkhead; a
	 * refusal gives back what the checks before it took, so that a call not sent costs
	 * nothing.
	 */
	private @Nullable AttemptRefusedException admit(long estimate) {
		Duration limited = limitedFor();
		if (limited != null) {
			return refused(AttemptOutcome.THROTTLED, "its retry-after holds for another " + millis(limited) + " ms");
		}
		if (this.requests != null && !this.requests.tryTake(1)) {
			return refused(AttemptOutcome.THROTTLED,
					"over its " + this.settings.rateLimit().requestsPerMinute() + " requests a minute");
		}
		if (this.tokens != null && !this.tokens.tryTake(estimate)) {
			giveBack(1, 0);
			return refused(AttemptOutcome.THROTTLED, "about " + estimate + " tokens would go over its "
					+ this.settings.rateLimit().tokensPerMinute() + " tokens a minute");
		}
		if (this.inFlight.incrementAndGet() > this.settings.maxConcurrency()) {
			this.inFlight.decrementAndGet();
			giveBack(1, estimate);
			return refused(AttemptOutcome.BULKHEAD_FULL, this.settings.maxConcurrency() + " calls in flight");
		}
		return null;
	}

	private void giveBack(long requests, long tokens) {
		if (this.requests != null) {
			this.requests.add(requests);
		}
		if (this.tokens != null) {
			this.tokens.add(tokens);
		}
	}

	private AttemptRefusedException refused(AttemptOutcome outcome, String detail) {
		return new AttemptRefusedException(this.provider, outcome, detail);
	}

	/**
	 * Counts the call in flight and, with slow-call detection, starts what marks it slow
	 * past the threshold.
	 */
	private SlowCalls.Call start(Duration threshold) {
		SlowCalls.Call call = this.calls.start();
		if (this.settings.slowCallDetection()) {
			// On Reactor's parallel scheduler, like the chain's timeouts, so that virtual
			// time drives it.
			call.timer = Mono.delay(threshold).subscribe((tick) -> markSlow(call, threshold));
		}
		return call;
	}

	private void markSlow(SlowCalls.Call call, Duration threshold) {
		// Half-open, the breaker's one probe is all the traffic: that it is slow is
		// enough.
		int needed = (this.breakers.state(this.provider) == CircuitBreaker.State.HALF_OPEN) ? 1
				: this.settings.slowCallsToOpen();
		if (this.calls.markSlow(call, needed)) {
			// A breaker open already, forced open or disabled is left as it is.
			this.breakers.openForSlowCalls(this.provider, needed + ((needed == 1) ? " call" : " calls")
					+ " in flight for more than " + millis(threshold) + " ms, none of the calls made since answered");
		}
	}

	/**
	 * Ends a call once, however it ended: with a response, a failure, or cancelled (both
	 * {@code null}). A response or a failure with an HTTP status is an answer: the
	 * provider spoke.
	 */
	private void end(SlowCalls.Call call, long estimate, @Nullable ChatResponse response, @Nullable Throwable failure) {
		if (!stopWatching(call, response != null || spoke(failure))) {
			return;
		}
		if (response != null) {
			this.latency.record(since(call));
		}
		release(estimate, (response != null) ? response.usage() : null, failure);
	}

	/** Ends a streamed call once; its slow-call watch ended already if a chunk came. */
	private void endStream(SlowCalls.Call call, AtomicBoolean ended, long estimate, @Nullable TokenUsage usage,
			@Nullable Throwable failure) {
		if (ended.compareAndSet(false, true)) {
			stopWatching(call, spoke(failure));
			release(estimate, usage, failure);
		}
	}

	private static boolean spoke(@Nullable Throwable failure) {
		return failure instanceof ProviderException ex && ex.getHttpStatus() != null;
	}

	/**
	 * Ends the slow-call watch of a call, and tells whether it was still watched: once
	 * per call.
	 */
	private boolean stopWatching(SlowCalls.Call call, boolean answered) {
		if (!this.calls.end(call, answered)) {
			return false;
		}
		Disposable timer = call.timer;
		if (timer != null) {
			timer.dispose();
		}
		return true;
	}

	/**
	 * Gives back the call's place in the bulkhead, and settles its tokens: the usage it
	 * reported, else what its failure says was billed.
	 */
	private void release(long estimate, @Nullable TokenUsage usage, @Nullable Throwable failure) {
		this.inFlight.decrementAndGet();
		if (usage != null) {
			long reported = usage.totalTokens();
			settleTokens(estimate, (reported > 0) ? reported : estimate);
		}
		else if (failure instanceof ProviderException ex) {
			// Failed without billed usage, the call took no tokens: the estimate goes
			// back.
			settleTokens(estimate, ex.getBilledUsage().totalTokens());
			limitByRetryAfter(ex);
		}
		else if (failure != null) {
			settleTokens(estimate, 0);
		}
		// A call given up, or a stream that reported no usage, may have reached the
		// provider all the same and count against its limit there: its estimate stays
		// taken.
	}

	private static Duration since(SlowCalls.Call call) {
		return Duration.ofNanos(Math.max(0, ReactorTime.nanos() - call.startNanos));
	}

	/**
	 * Replaces the estimate taken from the tokens bucket with what the call used: a
	 * refund when it used less, a debit, that later calls wait for, when it used more.
	 */
	private void settleTokens(long estimate, long used) {
		if (this.tokens != null && used != estimate) {
			this.tokens.add(estimate - used);
		}
	}

	private void limitByRetryAfter(ProviderException failure) {
		Duration retryAfter = failure.getRetryAfter();
		if (!this.settings.rateLimit().respectRetryAfter() || failure.getCategory() != FailureCategory.RATE_LIMITED
				|| retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
			return;
		}
		long until = ReactorTime.nanos() + min(retryAfter, MAX_RETRY_AFTER).toNanos();
		this.limitedUntil.accumulateAndGet(until, Math::max);
	}

	int inFlight() {
		return this.inFlight.get();
	}

	void forgetRetryAfter() {
		this.limitedUntil.set(NOT_LIMITED);
	}

	@Nullable Duration limitedFor() {
		long until = this.limitedUntil.get();
		long left = (until == NOT_LIMITED) ? 0 : until - ReactorTime.nanos();
		return (left > 0) ? Duration.ofNanos(left) : null;
	}

	Optional<Duration> latencyPercentile(double percentile) {
		return this.latency.percentile(percentile);
	}

	Duration slowCallThreshold() {
		return threshold(this.latency, this.settings.timeout());
	}

	/**
	 * The slow-call threshold of a stream's first chunk: the configured one, or twice the
	 * p99 of recent times to first chunk; at most the attempt's first-chunk deadline,
	 * which it is under 20 streams.
	 */
	Duration firstChunkThreshold(Duration firstChunkDeadline) {
		return threshold(this.firstChunkLatency, firstChunkDeadline);
	}

	private Duration threshold(RecentLatency history, Duration ceiling) {
		Duration configured = this.settings.slowCallThreshold();
		if (configured != null) {
			return min(configured, ceiling);
		}
		return history.percentile(99)
			.map((p99) -> min(max(p99.multipliedBy(SLOW_CALL_P99_MULTIPLE), SLOW_CALL_FLOOR), ceiling))
			.orElse(ceiling);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static String millis(Duration duration) {
		return String.format(Locale.ROOT, "%,d", duration.toMillis());
	}

}
