package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;

/**
 * The last step of an attempt: where the request goes once a call did not serve. It
 * retries the provider, moves on to the next one, or ends: aborted by a failure outside
 * {@code fallback-on}, exhausted at the end of the chain (after one last-resort call when
 * every provider was short-circuited), or, for a stream whose text reached the caller,
 * interrupted.
 */
final class Routing {

	private final ChainParts parts;

	Routing(ChainParts parts) {
		this.parts = parts;
	}

	/** Where a unary request goes after the attempt's call came to {@code failed}. */
	Route afterFailure(RequestRun run, Attempt attempt, Failed failed) {
		return route(run, failed, (failure) -> {
			Duration wait = retryWait(run, this.parts.provider(attempt.index()), attempt, failure);
			return (wait != null) ? new Retry(wait) : null;
		});
	}

	/**
	 * Where a streamed request goes after its attempt came to {@code failed}; once the
	 * answer's text reached the caller, the stream is interrupted.
	 */
	Route afterStreamFailure(RequestRun run, StreamedAnswer answer, Failed failed) {
		return route(run, failed,
				(failure) -> answer.delivered ? new Interrupted(new ChainInterruptedException(this.parts.name(),
						run.operation, run.attempts(), failure, answer.length())) : null);
	}

	/**
	 * Where the request goes: on, when the call went nowhere; to its end with an error
	 * that is not the provider's (from middleware) as it is; where {@code first} says for
	 * the provider's failure, else on or to an abort as {@code fallback-on} says.
	 */
	private Route route(RequestRun run, Failed failed, FirstRoute first) {
		Throwable error = failed.error();
		if (error == null) {
			return Route.NEXT;
		}
		if (!(error instanceof ProviderException failure)) {
			return new Fail(error);
		}
		Route route = first.of(failure);
		if (route != null) {
			return route;
		}
		return fallsOver(failure) ? Route.NEXT : aborted(run, failure);
	}

	/**
	 * Whether the failure moves the request on: a failure in {@code fallback-on}, or a
	 * contract violation whatever {@code fallback-on} says, since next-provider is what
	 * the contract asked for.
	 */
	private boolean fallsOver(ProviderException failure) {
		return this.parts.settings().fallbackOn().contains(failure.getCategory())
				|| failure.getCategory() == FailureCategory.CONTRACT_VIOLATION;
	}

	private Fail aborted(RequestRun run, ProviderException failure) {
		return new Fail(new ChainAbortedException(this.parts.name(), run.operation, run.attempts(), failure));
	}

	/**
	 * How long to wait before calling the provider again, or {@code null} to move on now:
	 * retries are off or used up, the failure is not worth retrying, the breaker has
	 * opened, the request has no attempts left, the wait would pass {@code max-backoff}
	 * or the deadline, or the retry budget is spent. The wait is full-jitter exponential,
	 * and never shorter than the provider's {@code retry-after}.
	 */
	private @Nullable Duration retryWait(RequestRun run, LlmProvider provider, Attempt attempt,
			ProviderException failure) {
		RetrySettings retry = this.parts.guards().retry(provider.name());
		if (attempt.lastResort() || attempt.retry() >= retry.maxAttempts()
				|| !retry.retryOn().contains(failure.getCategory())
				|| !this.parts.breakers().isCallPermitted(provider.name())
				|| !run.hasCallsLeft(this.parts.settings().maxAttempts())) {
			return null;
		}
		long initial = retry.initialBackoff().toNanos();
		long max = retry.maxBackoff().toNanos();
		int doublings = Math.min(attempt.retry(), 62);
		long ceiling = (initial > (max >> doublings)) ? max : (initial << doublings);
		Duration wait = Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
		// The provider's own retry-after, or a later one another request got since: a
		// retry before either is refused unsent.
		for (Duration notBefore : new Duration[] { failure.getRetryAfter(),
				this.parts.guards().limitedFor(provider.name()) }) {
			if (notBefore != null && notBefore.compareTo(wait) > 0) {
				wait = notBefore;
			}
		}
		if (wait.compareTo(retry.maxBackoff()) > 0 || wait.toNanos() >= run.deadlineNanos - ReactorTime.nanos()) {
			return null;
		}
		return this.parts.retryBudget().tryAcquire() ? wait : null;
	}

	/**
	 * The end of the chain. A request that called no provider because every one it may
	 * call was short-circuited (a fallback skipped by the spend guard or for what its
	 * model lacks stays skipped) makes one last-resort attempt, on the provider
	 * {@link ProviderCircuitBreakers#lastResortCandidate} picks, when the chain allows it
	 * and budget is left; with no candidate (every last resort spaced out or in flight)
	 * it fails at once: {@code null}. The attempt goes past the open breaker
	 * ({@link ProviderCircuitBreakers#protectLastResort}); whatever its outcome, the
	 * request ends with it.
	 * @param rejected the providers whose last-resort slot this request was refused
	 */
	@Nullable Attempt lastResort(RequestRun run, Set<String> rejected) {
		List<AttemptRecord> attempts = run.attempts();
		if (!this.parts.settings().lastResort() || run.anySent || !calledNoProvider(attempts)
				|| run.deadlineNanos - ReactorTime.nanos() <= 0) {
			return null;
		}
		Map<String, Integer> shortCircuited = new LinkedHashMap<>();
		for (AttemptRecord attempt : attempts) {
			if (attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED && !rejected.contains(attempt.provider())) {
				shortCircuited.put(attempt.provider(), attempt.index());
			}
		}
		String provider = this.parts.breakers().lastResortCandidate(List.copyOf(shortCircuited.keySet()));
		Integer index = (provider != null) ? shortCircuited.get(provider) : null;
		return (index != null) ? Attempt.lastResort(index) : null;
	}

	/**
	 * Whether every provider so far was skipped without a call, at least one by its open
	 * breaker; the others stay skipped (spend-limited, or lacking what the request
	 * needs).
	 */
	private static boolean calledNoProvider(List<AttemptRecord> attempts) {
		return attempts.stream().anyMatch((attempt) -> attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED)
				&& attempts.stream()
					.allMatch((attempt) -> attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED
							|| attempt.outcome() == AttemptOutcome.SPEND_LIMITED
							|| attempt.outcome().isCapabilitySkip());
	}

	/**
	 * What a call that did not serve came to, once recorded.
	 *
	 * @param error the provider's failure, any other error (from middleware), or
	 * {@code null} when the call went nowhere (an open breaker, a refusal of the guard,
	 * an opening of the breaker that gave it up)
	 */
	record Failed(@Nullable Throwable error) {

		static final Failed NOWHERE = new Failed(null);

	}

	/**
	 * Where a provider's failure sends the request before the fallback rules, if
	 * anywhere.
	 */
	@FunctionalInterface
	private interface FirstRoute {

		@Nullable Route of(ProviderException failure);

	}

	/** Where a request goes after an attempt that did not serve. */
	sealed interface Route permits Next, Retry, Fail, Interrupted {

		Route NEXT = new Next();

	}

	/** On to the next provider. */
	record Next() implements Route {

	}

	/** The same provider again, after the wait. */
	record Retry(Duration backoff) implements Route {

	}

	/** The request ends with the error. */
	record Fail(Throwable error) implements Route {

	}

	/**
	 * A stream whose text reached the caller was cut: it ends with the interruption,
	 * unless the chain's stream recovery continues it.
	 */
	record Interrupted(ChainInterruptedException interruption) implements Route {

	}

}
