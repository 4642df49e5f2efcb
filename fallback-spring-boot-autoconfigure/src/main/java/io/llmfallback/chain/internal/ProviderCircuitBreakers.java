package io.llmfallback.chain.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

/**
 * One circuit breaker per provider, shared by every chain that calls it, made by Spring
 * Cloud CircuitBreaker's reactive Resilience4j factory.
 * <p>
 * Under the default rule ({@link BreakerSettings.Rule#CONSECUTIVE_FAILURES}) a breaker
 * opens after {@code failure-threshold} consecutive failures that all fall within
 * {@code failure-window} of the first: Resilience4j counts the consecutive failures (a
 * count-based window as long as the threshold, all of it failed), and a streak older than
 * the window is cleared before the next call, so that sparse failures never add up. Under
 * the failure-rate rule ({@link BreakerSettings.Rule#FAILURE_RATE}) it opens when, of the
 * calls of the last {@code sliding-window} (Resilience4j's time-based window), at least
 * {@code minimum-calls} were made and a share of at least {@code failure-rate-threshold}
 * failed. A window of time rather than of calls keeps the rule's meaning whatever the
 * traffic: 100 calls are 140 ms at 700 requests/s and half an hour at one call every 20
 * s. After {@code open-duration} the breaker moves to half-open by itself and lets one
 * probe through.
 * <p>
 * The factory's own TimeLimiter is switched off: it would cut every call after one
 * second, and the chain already bounds each attempt by the provider's timeout and what is
 * left of the latency budget. Only failures that say something about the provider's
 * health ({@link io.llmfallback.model.FailureCategory#isProviderHealthSignal()}) count; a
 * rejected request proves the provider is up and counts as a success.
 * <p>
 * A last-resort call ({@link #protectLastResort}) goes to a provider whose breaker is
 * open without moving the breaker: only its success closes it. At most one is in flight
 * per provider, and they start at most once per {@link #LAST_RESORT_SPACING} (or per
 * {@code open-duration} when that is shorter), whatever the traffic: a provider that is
 * down gets one call a second rather than one per request, and one that has come back is
 * found within a second.
 */
public final class ProviderCircuitBreakers {

	private static final Log logger = LogFactory.getLog(ProviderCircuitBreakers.class);

	/** The least time between two last-resort calls to one provider. */
	public static final Duration LAST_RESORT_SPACING = Duration.ofSeconds(1);

	private static final long NO_STREAK = Long.MIN_VALUE;

	private static final long NEVER = Long.MIN_VALUE;

	private final CircuitBreakerRegistry registry;

	private final Clock clock;

	private final Map<String, Protected> breakers = new LinkedHashMap<>();

	public ProviderCircuitBreakers(Map<String, BreakerSettings> settingsByProvider, Clock clock,
			BreakerTransitionListener listener) {
		this.registry = CircuitBreakerRegistry.ofDefaults();
		this.clock = clock;
		Resilience4JConfigurationProperties properties = new Resilience4JConfigurationProperties();
		properties.setDisableTimeLimiter(true);
		ReactiveResilience4JCircuitBreakerFactory factory = new ReactiveResilience4JCircuitBreakerFactory(this.registry,
				TimeLimiterRegistry.ofDefaults(), null, properties);
		settingsByProvider.forEach((provider, settings) -> {
			CircuitBreakerConfig config = toConfig(settings, clock);
			// Created here, once, so that listeners are registered once; the factory's
			// breakers look the same instance up in the registry by name.
			CircuitBreaker breaker = this.registry.circuitBreaker(provider, config);
			AtomicLong streakStart = new AtomicLong(NO_STREAK);
			AtomicLong openedAt = new AtomicLong();
			Openings opening = new Openings();
			if (settings.rule() == BreakerSettings.Rule.CONSECUTIVE_FAILURES) {
				breaker.getEventPublisher()
					.onError((event) -> streakStart.compareAndSet(NO_STREAK, clock.millis()))
					.onSuccess((event) -> streakStart.set(NO_STREAK));
			}
			breaker.getEventPublisher().onStateTransition((event) -> {
				streakStart.set(NO_STREAK);
				CircuitBreaker.State from = event.getStateTransition().getFromState();
				CircuitBreaker.State to = event.getStateTransition().getToState();
				if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
					openedAt.set(clock.millis());
					opening.opened();
				}
				logger.warn("LLM provider '" + provider + "' circuit breaker " + from + " -> " + to);
				listener.onTransition(new BreakerTransition(provider, from, to, event.getCreationTime().toInstant()));
			});
			factory.configure((builder) -> builder.circuitBreakerConfig(config), provider);
			long lastResortSpacing = Math.min(settings.openDuration().toMillis(), LAST_RESORT_SPACING.toMillis());
			this.breakers.put(provider,
					new Protected(breaker, factory.create(provider), streakStart, settings.failureWindow().toMillis(),
							openedAt, lastResortSpacing, new AtomicLong(NEVER), new AtomicBoolean(), opening));
		});
	}

	static CircuitBreakerConfig toConfig(BreakerSettings settings, Clock clock) {
		CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom();
		if (settings.rule() == BreakerSettings.Rule.FAILURE_RATE) {
			config.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
				.slidingWindowSize((int) settings.slidingWindow().toSeconds())
				.minimumNumberOfCalls(settings.minimumCalls())
				.failureRateThreshold((float) (settings.failureRateThreshold() * 100));
		}
		else {
			config.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(settings.failureThreshold())
				.minimumNumberOfCalls(settings.failureThreshold())
				.failureRateThreshold(100);
		}
		return config.waitDurationInOpenState(settings.openDuration())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordException((ex) -> ex instanceof ProviderException failure
					&& (failure.getCategory().isProviderHealthSignal() || (settings.countContractViolations()
							&& failure.getCategory() == FailureCategory.CONTRACT_VIOLATION)))
			// A refusal of our own or a call given up says nothing of the provider's
			// health either way.
			.ignoreExceptions(AttemptRefusedException.class)
			.clock(clock)
			.build();
	}

	/**
	 * Runs the call through the provider's breaker. While the breaker is open the call is
	 * never subscribed and the result fails at once with
	 * {@link io.github.resilience4j.circuitbreaker.CallNotPermittedException}.
	 */
	public <T> Mono<T> protect(String provider, Mono<T> call) {
		Protected breaker = breaker(provider);
		return Mono.defer(() -> {
			breaker.clearStaleStreak(this.clock.millis());
			return breaker.reactive.run(call, Mono::error);
		});
	}

	/**
	 * Runs a stream through the provider's breaker: as {@link #protect}, the stream
	 * counting as one call that succeeds when it completes and fails with its error.
	 */
	public <T> Flux<T> protectStream(String provider, Flux<T> stream) {
		Protected breaker = breaker(provider);
		return Flux.defer(() -> {
			breaker.clearStaleStreak(this.clock.millis());
			return breaker.reactive.run(stream, Flux::error);
		});
	}

	/**
	 * Runs a last-resort call on a provider whose breaker is open, past the breaker,
	 * which it leaves as it is unless the call succeeds. A success closes the breaker:
	 * the provider has shown it serves. A failure leaves it open, to turn half-open when
	 * its open duration is over, and moves no state: a provider that stays down makes no
	 * transitions, log lines or alerts however many last resorts fail. A failure the
	 * breaker would not count (a rejected request) proves the provider up, and closes the
	 * breaker too; any other error (from attempt middleware, say, before the provider was
	 * called) proves nothing and leaves the breaker as it is. Only an open or half-open
	 * breaker is closed: one forced open or disabled stays so.
	 * <p>
	 * The breaker's own half-open slot is not used: Resilience4j turns an open breaker
	 * half-open on its own scheduler, and no lock of ours can keep that from handing out
	 * a second probe. The call fails at once with {@link CallNotPermittedException}, as
	 * {@link #protect} would, when the breaker is no longer open, another last resort on
	 * the provider is in flight, or the last one began less than the spacing ago.
	 */
	public <T> Mono<T> protectLastResort(String provider, Mono<T> call) {
		Protected breaker = breaker(provider);
		return Mono.defer(() -> {
			if (!breaker.startLastResort(this.clock.millis())) {
				return Mono.error(CallNotPermittedException.createCallNotPermittedException(breaker.breaker));
			}
			return call.doOnSuccess((result) -> breaker.closeAfterLastResort()).doOnError((ex) -> {
				if (ex instanceof ProviderException answered
						&& !breaker.breaker.getCircuitBreakerConfig().getRecordExceptionPredicate().test(answered)) {
					breaker.closeAfterLastResort();
				}
			}).doFinally((signal) -> breaker.lastResortInFlight.set(false));
		});
	}

	/**
	 * Completes, empty, the next time the provider's breaker opens (or is forced open):
	 * what an attempt waiting on the provider listens to, so that it moves on at once
	 * rather than waiting out a provider found to be failing. Subscribe before the call
	 * starts: an opening before the subscription is not seen.
	 */
	public Mono<Void> nextOpening(String provider) {
		Protected breaker = breaker(provider);
		return Mono.defer(() -> breaker.opening.next());
	}

	/**
	 * Opens the provider's breaker now, because calls in flight show it has stopped
	 * answering; a breaker already open, forced open or disabled is left as it is.
	 * @param why what was seen, for the log
	 */
	public void openForSlowCalls(String provider, String why) {
		Protected breaker = breaker(provider);
		// One at a time, so that calls turning slow together open the breaker, and say
		// so, once.
		synchronized (breaker) {
			CircuitBreaker.State state = breaker.breaker.getState();
			if (state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.HALF_OPEN) {
				logger.warn("LLM provider '" + provider + "' stopped answering: " + why);
				breaker.breaker.transitionToOpenState();
			}
		}
	}

	/**
	 * Of the given providers, the one a last resort should call now: of those whose
	 * breaker is open and may take a last resort now, the one that has waited longest
	 * since its breaker opened or its last last resort began, ties going to the first
	 * listed; {@code null} when there is none, the request then failing without a call.
	 * Waiting since the last attempt rather than since opening takes turns among
	 * providers that stay down, so that one which has come back is not passed over for
	 * one that has not.
	 */
	public @Nullable String lastResortCandidate(List<String> providers) {
		long now = this.clock.millis();
		String candidate = null;
		long earliest = Long.MAX_VALUE;
		for (String provider : providers) {
			Protected breaker = breaker(provider);
			long waitingSince = Math.max(breaker.openedAt.get(), breaker.lastResortAt.get());
			if (breaker.mayStartLastResort(now) && waitingSince < earliest) {
				candidate = provider;
				earliest = waitingSince;
			}
		}
		return candidate;
	}

	public CircuitBreaker.State state(String provider) {
		return this.registry.circuitBreaker(provider).getState();
	}

	/**
	 * Whether the breaker would let a call through now (closed, or half-open with a probe
	 * slot free).
	 */
	public boolean isCallPermitted(String provider) {
		CircuitBreaker.State state = state(provider);
		return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
	}

	/** The underlying Resilience4j registry, for metrics binders and tests. */
	public CircuitBreakerRegistry registry() {
		return this.registry;
	}

	private Protected breaker(String provider) {
		Protected breaker = this.breakers.get(provider);
		if (breaker == null) {
			throw new IllegalArgumentException("No circuit breaker for provider '" + provider + "'");
		}
		return breaker;
	}

	/**
	 * The openings of one breaker: a signal completed when the breaker opens, then
	 * replaced for the next.
	 */
	private static final class Openings {

		private volatile Sinks.Empty<Void> next = Sinks.empty();

		/** Completes, empty, at the breaker's next opening. */
		Mono<Void> next() {
			return this.next.asMono();
		}

		void opened() {
			Sinks.Empty<Void> opened;
			synchronized (this) {
				opened = this.next;
				this.next = Sinks.empty();
			}
			opened.tryEmitEmpty();
		}

	}

	/**
	 * @param openedAt when the breaker last opened, by the clock's millis; read only
	 * while it is open
	 * @param lastResortAt when the last last-resort call began, by the clock's millis, or
	 * {@link #NEVER}
	 * @param lastResortInFlight whether a last-resort call is in flight
	 * @param opening completed and replaced each time the breaker opens
	 */
	private record Protected(CircuitBreaker breaker, ReactiveCircuitBreaker reactive, AtomicLong streakStart,
			long windowMillis, AtomicLong openedAt, long lastResortSpacingMillis, AtomicLong lastResortAt,
			AtomicBoolean lastResortInFlight, Openings opening) {

		/**
		 * Failures that began longer than the window ago no longer count towards opening.
		 */
		void clearStaleStreak(long nowMillis) {
			long start = this.streakStart.get();
			if (start != NO_STREAK && nowMillis - start > this.windowMillis
					&& this.breaker.getState() == CircuitBreaker.State.CLOSED
					&& this.streakStart.compareAndSet(start, NO_STREAK)) {
				this.breaker.reset();
			}
		}

		boolean mayStartLastResort(long nowMillis) {
			return !this.lastResortInFlight.get() && lastResortDue(nowMillis);
		}

		/**
		 * Takes the provider's one last-resort slot if a last resort may start now; the
		 * slot is held until the call ends, and the spacing counts from now.
		 */
		boolean startLastResort(long nowMillis) {
			if (!this.lastResortInFlight.compareAndSet(false, true)) {
				return false;
			}
			if (!lastResortDue(nowMillis)) {
				this.lastResortInFlight.set(false);
				return false;
			}
			this.lastResortAt.set(nowMillis);
			return true;
		}

		/**
		 * A clock that stepped back to before the last last resort makes one due at once:
		 * waiting for the clock to catch up could leave a provider that has come back
		 * unused for hours.
		 */
		private boolean lastResortDue(long nowMillis) {
			long last = this.lastResortAt.get();
			return this.breaker.getState() == CircuitBreaker.State.OPEN
					&& (last == NEVER || nowMillis < last || nowMillis - last >= this.lastResortSpacingMillis);
		}

		/**
		 * Closes the breaker if it is open or half-open; had its own probe failed
		 * meanwhile, closing is still right: the provider has just served. One that
		 * closed meanwhile is left alone, as is one an operator forced open or disabled.
		 * Resilience4j's probe can still close it between the check and the transition:
		 * closing it again publishes nothing, Resilience4j dropping a transition to the
		 * same state.
		 */
		void closeAfterLastResort() {
			CircuitBreaker.State state = this.breaker.getState();
			if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN) {
				this.breaker.transitionToClosedState();
			}
		}

	}

}
