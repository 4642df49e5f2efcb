package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.scheduler.Schedulers;

import static io.llmfallback.chain.internal.ChainParts.elapsedSince;
import static io.llmfallback.chain.internal.ChainParts.min;
import static io.llmfallback.chain.internal.ChainParts.modelOf;

/**
 * The second step of a unary attempt: the provider's call through its guard (bulkhead,
 * rate limits) and breaker, within the smaller of the provider's timeout and what is left
 * of the budget, its errors mapped onto typed failures, its answer through the
 * {@link ContractGuard}, and its one record made whichever way it ends: served, failed,
 * kept back, or given up.
 */
final class ProviderCall {

	private final ChainParts parts;

	private final ContractGuard contract;

	ProviderCall(ChainParts parts, ContractGuard contract) {
		this.parts = parts;
		this.contract = contract;
	}

	/**
	 * Calls the provider of the attempt and records the attempt. Whatever keeps the call
	 * from serving (its failure, an open breaker, a refusal of the guard, the breaker
	 * opening while the call waits, an error of attempt middleware) is recorded and
	 * handed to {@code afterFailure}, which says where the request goes.
	 */
	Mono<ChainResponse> call(RequestRun run, Attempt attempt, ChatRequest attemptRequest,
			Function<Routing.Failed, Mono<ChainResponse>> afterFailure) {
		LlmProvider provider = this.parts.provider(attempt.index());
		long start = ReactorTime.nanos();
		Duration timeout = min(provider.timeout(), Duration.ofNanos(run.deadlineNanos - start));
		String model = modelOf(attemptRequest, provider);
		CallState state = new CallState();
		Mono<ChainResponse> call = this.parts.middleware()
			.onAttempt(attemptRequest, run)
			.flatMap((prepared) -> this.parts.guards()
				.guard(provider.name(), AttemptPlan.estimatedTokens(prepared, provider),
						// Deferred so that a provider throwing instead of signalling
						// still
						// ends as a typed failure.
						Mono.defer(() -> {
							if (!state.send()) {
								// Given up before it left: the provider is never called.
								return Mono.never();
							}
							run.anySent = true;
							return provider.chat(prepared);
						})
							.onErrorMap((ex) -> !(ex instanceof ProviderException), (ex) -> unexpected(provider, ex))
							.switchIfEmpty(Mono.error(() -> ProviderException.invalidResponse(provider.name(),
									"completed without a response")))))
			.switchIfEmpty(Mono.error(() -> new IllegalStateException(
					"Attempt middleware of chain '" + this.parts.name() + "' completed without a request")))
			.timeout(timeout,
					Mono.error(() -> new ProviderException(provider.name(), FailureCategory.TIMEOUT, null, null,
							"no answer within " + timeout.toMillis() + " ms", null)))
			// The outcome goes on only if it settles the call before the breaker's
			// opening gives it up, and before the breaker sees it: a failure that opens
			// the breaker is this call's own, not a reason to give it up, and an answer
			// the opening beat to it is dropped, never recorded twice. A call given up
			// sends nothing on, not even an empty completion, so that the opening's error
			// is the one that ends it.
			.materialize()
			.flatMap((signal) -> state.settle(signal.get()) ? Mono.just(signal) : Mono.<Signal<ChatResponse>>never())
			.<ChatResponse>dematerialize()
			.transform((attemptCall) -> observe(run, provider, attempt, attemptRequest, state, attemptCall))
			.map((response) -> served(run, provider, attempt, model, start, response, state));
		Mono<ChainResponse> guarded = attempt.lastResort()
				? this.parts.breakers().protectLastResort(provider.name(), call)
				: this.parts.breakers().protect(provider.name(), call);
		if (!attempt.lastResort() && this.parts.guards().settings(provider.name()).cancelWaitingCalls()) {
			// A last resort goes to a provider whose breaker is already open: there is no
			// opening to wait for.
			Mono<ChainResponse> opening = this.parts.breakers()
				.nextOpening(provider.name())
				// Off the thread that opened the breaker, an event loop in the middle of
				// another call's outcome: every waiting request moves on at once, and
				// their next calls must not start inside it.
				.publishOn(Schedulers.parallel())
				.then(Mono.defer(() -> state.giveUp() ? Mono.error(BreakerOpened.INSTANCE) : Mono.never()));
			guarded = Mono.firstWithSignal(opening, guarded);
		}
		return guarded.doOnCancel(() -> cancelled(run, provider, attempt, model, start, attemptRequest, state))
			.onErrorResume((ex) -> afterFailure
				.apply(failed(run, provider, attempt, model, start, attemptRequest, state, ex)));
	}

	/**
	 * Records a call cancelled from downstream: another line of a hedged request
	 * answered, or the caller gave up.
	 */
	private void cancelled(RequestRun run, LlmProvider provider, Attempt attempt, String model, long start,
			ChatRequest request, CallState state) {
		AttemptOutcome why = run.raceDecided ? AttemptOutcome.HEDGE_LOST : AttemptOutcome.CANCELLED;
		if (state.giveUp()) {
			if (state.wasSent()) {
				run.addOnce(state, this.parts.givenUp(provider, attempt, model, start, request, why));
			}
		}
		else if (state.answer() != null) {
			// The answer came, and the cancel overtook it before it was recorded: billed
			// all the same.
			TokenUsage usage = state.answer().usage();
			run.addOnce(state,
					new AttemptRecord(provider.name(), attempt.index(), model, why, null, 200, elapsedSince(start),
							null, usage, this.parts.cost(provider, usage), ContractCheck.UNCHECKED,
							attempt.lastResort(), attempt.retry(), attempt.hedge()));
		}
		releaseUnsent(run, state);
	}

	/** Records a call that did not serve, and says what it came to. */
	private Routing.Failed failed(RequestRun run, LlmProvider provider, Attempt attempt, String model, long start,
			ChatRequest request, CallState state, Throwable ex) {
		releaseUnsent(run, state);
		if (ex instanceof CallNotPermittedException) {
			AttemptPlan.shortCircuited(run, provider, attempt.index(), model, attempt.lastResort());
			return Routing.Failed.NOWHERE;
		}
		if (ex instanceof AttemptRefusedException refused) {
			AttemptPlan.refused(run, provider, attempt.index(), model, refused, attempt.lastResort());
			return Routing.Failed.NOWHERE;
		}
		if (ex == BreakerOpened.INSTANCE) {
			// A call given up before it was sent cost nothing: it is one the open
			// breaker kept back.
			run.addOnce(state,
					state.wasSent()
							? this.parts.givenUp(provider, attempt, model, start, request, AttemptOutcome.CANCELLED)
							: AttemptRecord.skipped(provider.name(), attempt.index(), model,
									AttemptOutcome.SHORT_CIRCUITED, attempt.lastResort()));
			run.lastReason = "breaker-opened";
			return Routing.Failed.NOWHERE;
		}
		if (ex instanceof ProviderException failure) {
			ContractCheck check = (failure.getCategory() == FailureCategory.CONTRACT_VIOLATION) ? run.lastContractCheck
					: ContractCheck.UNCHECKED;
			run.add(new AttemptRecord(provider.name(), attempt.index(), model, AttemptOutcome.FAILED,
					failure.getCategory(), failure.getHttpStatus(), elapsedSince(start), failure.getRetryAfter(),
					failure.getBilledUsage(), this.parts.cost(provider, failure.getBilledUsage()), check,
					attempt.lastResort(), attempt.retry(), attempt.hedge()));
			run.lastFailure = failure;
			run.lastReason = failure.getCategory().wireName();
		}
		return new Routing.Failed(ex);
	}

	/**
	 * Checks the answer against the contract and the requested type, and records it as
	 * served.
	 */
	private ChainResponse served(RequestRun run, LlmProvider provider, Attempt attempt, String model, long start,
			ChatResponse response, CallState state) {
		ContractGuard.Verdict verdict = this.contract.admit(run, provider, response);
		run.addOnce(state,
				new AttemptRecord(provider.name(), attempt.index(), model, AttemptOutcome.SUCCESS, null, 200,
						elapsedSince(start), null, response.usage(), this.parts.cost(provider, response.usage()),
						verdict.check(), attempt.lastResort(), attempt.retry(), attempt.hedge()));
		return new ChainResponse(response, this.parts.name(), run.operation, run.attempts(),
				verdict.check().violations(), verdict.entity());
	}

	/**
	 * A call that never reached the provider gives its place among the request's attempts
	 * back, once.
	 */
	private static void releaseUnsent(RequestRun run, CallState state) {
		if (state.releaseUnsent()) {
			run.releaseCall();
		}
	}

	/**
	 * A provider's own error that is not one of its typed failures: an answer the chain
	 * cannot read.
	 */
	static ProviderException unexpected(LlmProvider provider, Throwable ex) {
		return new ProviderException(provider.name(), FailureCategory.INVALID_RESPONSE, null, null,
				"unexpected " + ex.getClass().getSimpleName(), ex);
	}

	private Mono<ChatResponse> observe(RequestRun run, LlmProvider provider, Attempt attempt, ChatRequest request,
			CallState state, Mono<ChatResponse> call) {
		return Mono.defer(() -> {
			AttemptObservation observed = this.parts.startObservation(run, provider, attempt, request);
			return call.doOnSuccess(observed::succeeded)
				.doOnError(observed::failed)
				.doOnCancel(() -> observed
					.cancelled(state.wasSent() ? (run.raceDecided ? "hedge-lost" : "cancelled") : null))
				// The provider's WebClient picks its HTTP observation's parent from here,
				// so trace context propagates to the provider call.
				.contextWrite((reactorContext) -> reactorContext.put(ObservationThreadLocalAccessor.KEY,
						observed.observation()));
		});
	}

	/** Gives up a call whose provider's breaker opened while the call waited. */
	static final class BreakerOpened extends RuntimeException {

		static final BreakerOpened INSTANCE = new BreakerOpened();

		private BreakerOpened() {
			super("breaker opened while the call waited", null, false, false);
		}

	}

}
