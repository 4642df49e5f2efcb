package io.llmfallback.chain;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;

/**
 * One circuit breaker per provider, shared by every chain that calls it, made by Spring Cloud
 * CircuitBreaker's reactive Resilience4j factory.
 * <p>
 * Under the default rule ({@link BreakerSettings.Rule#CONSECUTIVE_FAILURES}) a breaker opens after
 * {@code failure-threshold} consecutive failures that all fall within {@code failure-window} of the first:
 * Resilience4j counts the consecutive failures (a count-based window as long as the threshold, all of it
 * failed), and a streak older than the window is cleared before the next call, so that sparse failures never
 * add up. Under the failure-rate rule ({@link BreakerSettings.Rule#FAILURE_RATE}) it opens when, of the calls
 * of the last {@code sliding-window} (Resilience4j's time-based window), at least {@code minimum-calls} were
 * made and a share of at least {@code failure-rate-threshold} failed. A window of time rather than of calls
 * keeps the rule's meaning whatever the traffic: 100 calls are 140 ms at 700 requests/s and half an hour at
 * one call every 20 s. After {@code open-duration} the breaker moves to half-open by itself and lets one
 * probe through.
 * <p>
 * The factory's own TimeLimiter is switched off: it would cut every call after one second, and the chain
 * already bounds each attempt by the provider's timeout and what is left of the latency budget. Only
 * failures that say something about the provider's health
 * ({@link io.llmfallback.model.FailureCategory#isProviderHealthSignal()}) count; a rejected request proves
 * the provider is up and counts as a success.
 */
public final class ProviderCircuitBreakers {

	private static final Log logger = LogFactory.getLog(ProviderCircuitBreakers.class);

	private static final long NO_STREAK = Long.MIN_VALUE;

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
			// Created here, once, so that listeners are registered once; the factory's breakers look the same
			// instance up in the registry by name.
			CircuitBreaker breaker = this.registry.circuitBreaker(provider, config);
			AtomicLong streakStart = new AtomicLong(NO_STREAK);
			AtomicLong openedAt = new AtomicLong();
			if (settings.rule() == BreakerSettings.Rule.CONSECUTIVE_FAILURES) {
				breaker.getEventPublisher()
					.onError((event) -> streakStart.compareAndSet(NO_STREAK, clock.millis()))
					.onSuccess((event) -> streakStart.set(NO_STREAK));
			}
			breaker.getEventPublisher().onStateTransition((event) -> {
				streakStart.set(NO_STREAK);
				CircuitBreaker.State from = event.getStateTransition().getFromState();
				CircuitBreaker.State to = event.getStateTransition().getToState();
				if (to == CircuitBreaker.State.OPEN) {
					openedAt.set(clock.millis());
				}
				logger.warn("LLM provider '" + provider + "' circuit breaker " + from + " -> " + to);
				listener.onTransition(new BreakerTransition(provider, from, to, event.getCreationTime().toInstant()));
			});
			factory.configure((builder) -> builder.circuitBreakerConfig(config), provider);
			this.breakers.put(provider, new Protected(breaker, factory.create(provider), streakStart,
					settings.failureWindow().toMillis(), openedAt));
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
			.clock(clock)
			.build();
	}

	/**
	 * Runs the call through the provider's breaker. While the breaker is open the call is never
	 * subscribed and the result fails at once with
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
	 * Runs a last-resort call on a provider whose breaker is open: the breaker turns half-open before its
	 * open duration is over, and the call is its probe, so that the breaker's own permission and outcome logic
	 * applies. A success closes the breaker, as any probe's would: the provider has shown it serves. A failure
	 * opens it again for a full open duration. Only one such probe is in flight per provider: a call made
	 * while another holds the half-open slot fails at once with
	 * {@link io.github.resilience4j.circuitbreaker.CallNotPermittedException}, as {@link #protect} would.
	 */
	public <T> Mono<T> protectLastResort(String provider, Mono<T> call) {
		Protected breaker = breaker(provider);
		return Mono.defer(() -> {
			breaker.probeEarly();
			return breaker.reactive.run(call, Mono::error);
		});
	}

	/**
	 * Of the given providers, the one whose breaker has been open the longest, ties going to the first
	 * listed; {@code null} when none is open.
	 */
	public @Nullable String longestOpen(List<String> providers) {
		String longest = null;
		long earliest = Long.MAX_VALUE;
		for (String provider : providers) {
			Protected breaker = breaker(provider);
			long openedAt = breaker.openedAt.get();
			if (breaker.breaker.getState() == CircuitBreaker.State.OPEN && openedAt < earliest) {
				longest = provider;
				earliest = openedAt;
			}
		}
		return longest;
	}

	public CircuitBreaker.State state(String provider) {
		return this.registry.circuitBreaker(provider).getState();
	}

	/** Whether the breaker would let a call through now (closed, or half-open with a probe slot free). */
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
	 * @param openedAt when the breaker last opened, by the clock's millis; read only while it is open
	 */
	private record Protected(CircuitBreaker breaker, ReactiveCircuitBreaker reactive, AtomicLong streakStart,
			long windowMillis, AtomicLong openedAt) {

		/** Failures that began longer than the window ago no longer count towards opening. */
		void clearStaleStreak(long nowMillis) {
			long start = this.streakStart.get();
			if (start != NO_STREAK && nowMillis - start > this.windowMillis
					&& this.breaker.getState() == CircuitBreaker.State.CLOSED
					&& this.streakStart.compareAndSet(start, NO_STREAK)) {
				this.breaker.reset();
			}
		}

		/**
		 * Turns an open breaker half-open now. Checked and turned under a lock: Resilience4j allows a
		 * half-open to half-open transition, which would hand out a second probe slot.
		 */
		void probeEarly() {
			synchronized (this) {
				if (this.breaker.getState() == CircuitBreaker.State.OPEN) {
					this.breaker.transitionToHalfOpenState();
				}
			}
		}

	}

}
