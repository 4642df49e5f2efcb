package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One guard per provider, shared by every chain that calls it, that keeps a provider from
 * holding requests:
 * <ul>
 * <li><b>Calls in flight count.</b> Each call, when it starts, gets a timer on Reactor's
 * parallel scheduler set to the slow-call threshold; one still in flight when it fires is
 * slow. Once {@code slowCallsToOpen} slow calls are in flight (one while the breaker is
 * half-open: its single probe) that all started after the newest-started call that was
 * answered, the provider has stopped answering, and its breaker opens now rather than
 * when those calls time out. The second condition tells a provider that hangs from one
 * whose tail is slow under heavy traffic: there a few calls are past the threshold too,
 * but calls started after them keep coming back. A call is answered when it ends with a
 * response, or with a {@link io.llmfallback.provider.ProviderException} that carries an
 * HTTP status (the provider spoke); a timeout, a failed connection or a call given up is
 * not an answer.</li>
 * <li><b>The slow-call threshold.</b> The configured one, or derived: twice the p99 of
 * the answered calls of the last five minutes, at least a second and at most the
 * provider's timeout. Under 20 answered calls in that window it is the timeout: no early
 * detection before the provider has a history, so that an app making a few long
 * generations is never cut short on a guess.</li>
 * <li><b>Bulkhead.</b> At most {@code max-concurrency} calls in flight; one more is
 * refused ({@link AttemptOutcome#BULKHEAD_FULL}).</li>
 * <li><b>Rate limits.</b> Requests and tokens a minute as token buckets (a minute's worth
 * at most, refilled continuously), and the {@code retry-after} of a 429, held to a minute
 * since the provider sets it: a call over them is refused
 * ({@link AttemptOutcome#THROTTLED}) without being sent. A call takes a request and its
 * estimated tokens; the estimate is replaced by the usage the answer reports, given back
 * when the call fails without billed usage, and kept when the call is given up (it may
 * have reached the provider). A call refused takes nothing. A request estimated larger
 * than a whole minute's tokens goes when the bucket is full, since it could never go
 * otherwise, and the calls after it wait for the bucket to refill.</li>
 * <li><b>Recent latency.</b> Of answered calls, for the derived slow-call threshold and
 * hedging on a percentile.</li>
 * <li><b>Streams.</b> A streamed call is admitted like a unary one and holds its place in
 * the bulkhead until the stream ends. Its first chunk answers it: a stream whose first
 * chunk is late is a slow call in flight. Its threshold is derived the same way from the
 * recent times to first chunk, kept apart from the answers', and is at most the attempt's
 * first-chunk deadline.</li>
 * </ul>
 * Time is {@link ReactorTime}'s. Thread-safe: calls start and end on any thread, an event
 * loop's included, and the bookkeeping of a call is a few atomic and tree operations
 * under small locks.
 */
public final class ProviderGuards {

	private final Map<String, ProviderGuard> guards = new LinkedHashMap<>();

	public ProviderGuards(Map<String, GuardSettings> settings, ProviderCircuitBreakers breakers) {
		settings.forEach((provider, guard) -> this.guards.put(provider, new ProviderGuard(provider, guard, breakers)));
	}

	/**
	 * Runs a call of the provider under its guard. A call the guard refuses fails at once
	 * with {@link AttemptRefusedException}, and the call is never subscribed. Otherwise
	 * the call counts as in flight until it ends or is cancelled.
	 * @param estimatedTokens what the call will use, prompt and output, for the
	 * tokens-a-minute bucket; corrected with the usage the answer reports
	 */
	public Mono<ChatResponse> guard(String provider, long estimatedTokens, Mono<ChatResponse> call) {
		return guardOf(provider).guard(estimatedTokens, call);
	}

	/**
	 * Runs a streamed call of the provider under its guard, as {@link #guard}; the call
	 * counts as in flight until the stream ends or is cancelled, and its first chunk is
	 * what answers it for slow-call detection.
	 * @param firstChunkDeadline the attempt's deadline for its first chunk, the most the
	 * slow-call threshold of the first chunk can be
	 */
	public Flux<ChatChunk> guardStream(String provider, long estimatedTokens, Duration firstChunkDeadline,
			Flux<ChatChunk> stream) {
		return guardOf(provider).guardStream(estimatedTokens, firstChunkDeadline, stream);
	}

	/** The provider's retry settings. */
	public RetrySettings retry(String provider) {
		return settings(provider).retry();
	}

	/**
	 * A percentile (95 for p95) of the latency of the provider's answered calls of the
	 * last five minutes, within 10%; empty under 20 of them.
	 */
	public Optional<Duration> latencyPercentile(String provider, double percentile) {
		return guardOf(provider).latencyPercentile(percentile);
	}

	/**
	 * The age past which a call in flight is slow now: the configured one, or derived
	 * from recent latency.
	 */
	public Duration slowCallThreshold(String provider) {
		return guardOf(provider).slowCallThreshold();
	}

	/** How many calls of the provider are in flight. */
	public int inFlight(String provider) {
		return guardOf(provider).inFlight();
	}

	/**
	 * How long the provider stays limited by the {@code retry-after} of its last 429, or
	 * {@code null}.
	 */
	public @Nullable Duration limitedFor(String provider) {
		return guardOf(provider).limitedFor();
	}

	/**
	 * Lets every provider be called again at once, whatever the {@code retry-after} of
	 * its last 429 said: for an operator who knows the limit was lifted, and for tests
	 * that reset providers between cases.
	 */
	public void forgetRetryAfters() {
		this.guards.values().forEach(ProviderGuard::forgetRetryAfter);
	}

	/** The provider's guard settings. */
	public GuardSettings settings(String provider) {
		return guardOf(provider).settings();
	}

	private ProviderGuard guardOf(String provider) {
		ProviderGuard guard = this.guards.get(provider);
		if (guard == null) {
			throw new IllegalArgumentException("No guard for provider '" + provider + "'");
		}
		return guard;
	}

}
