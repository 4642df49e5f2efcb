package io.llmfallback.chain;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.model.ChatResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One guard per provider, shared by every chain that calls it, that keeps a provider from holding
 * requests:
 * <ul>
 * <li><b>Calls in flight count.</b> Once {@code slowCallsToOpen} calls in flight are older than the
 * slow-call threshold, and no call started after the oldest of them has been answered, the provider has
 * stopped answering: its breaker opens now rather than when those calls time out.</li>
 * <li><b>Bulkhead.</b> At most {@code max-concurrency} calls in flight; one more is refused
 * ({@link AttemptOutcome#BULKHEAD_FULL}).</li>
 * <li><b>Rate limits.</b> Requests and tokens a minute as token buckets, and the {@code retry-after} of a
 * 429: a call over them is refused ({@link AttemptOutcome#THROTTLED}) without being sent.</li>
 * <li><b>Recent latency.</b> Of answered calls, for the derived slow-call threshold and hedging on a
 * percentile.</li>
 * </ul>
 * Time is {@link ReactorTime}'s.
 */
public final class ProviderGuards {

	private final Map<String, GuardSettings> settings;

	private final ProviderCircuitBreakers breakers;

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	public ProviderGuards(Map<String, GuardSettings> settings, ProviderCircuitBreakers breakers) {
		this.settings = Map.copyOf(settings);
		this.breakers = breakers;
		settings.keySet().forEach((provider) -> this.inFlight.put(provider, new AtomicInteger()));
	}

	/**
	 * Runs a call of the provider under its guard. A call the guard refuses fails at once with
	 * {@link AttemptRefusedException}, and the call is never subscribed. Otherwise the call counts as in flight
	 * until it ends or is cancelled.
	 * @param estimatedTokens what the call will use, prompt and output, for the tokens-a-minute bucket;
	 * corrected with the usage the answer reports
	 */
	public Mono<ChatResponse> guard(String provider, long estimatedTokens, Mono<ChatResponse> call) {
		GuardSettings guard = settings(provider);
		AtomicInteger calls = this.inFlight.get(provider);
		return Mono.defer(() -> {
			if (calls.incrementAndGet() > guard.maxConcurrency()) {
				calls.decrementAndGet();
				return Mono.error(new AttemptRefusedException(provider, AttemptOutcome.BULKHEAD_FULL,
						guard.maxConcurrency() + " calls in flight"));
			}
			return call.doFinally((signal) -> calls.decrementAndGet());
		});
	}

	/** The provider's retry settings. */
	public RetrySettings retry(String provider) {
		return settings(provider).retry();
	}

	/** A percentile (95 for p95) of the provider's recent answered calls' latency; empty with too few. */
	public Optional<Duration> latencyPercentile(String provider, double percentile) {
		settings(provider);
		return Optional.empty();
	}

	/** The age past which a call in flight is slow now: the configured one, or derived from recent latency. */
	public Duration slowCallThreshold(String provider) {
		GuardSettings guard = settings(provider);
		return (guard.slowCallThreshold() != null) ? guard.slowCallThreshold() : guard.timeout();
	}

	/** How many calls of the provider are in flight. */
	public int inFlight(String provider) {
		settings(provider);
		return this.inFlight.get(provider).get();
	}

	/** How long the provider stays limited by the {@code retry-after} of its last 429, or {@code null}. */
	public @Nullable Duration limitedFor(String provider) {
		settings(provider);
		return null;
	}

	public GuardSettings settings(String provider) {
		GuardSettings guard = this.settings.get(provider);
		if (guard == null) {
			throw new IllegalArgumentException("No guard for provider '" + provider + "'");
		}
		return guard;
	}

}
