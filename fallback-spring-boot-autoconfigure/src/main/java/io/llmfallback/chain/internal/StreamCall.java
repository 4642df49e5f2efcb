package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static io.llmfallback.chain.internal.ChainParts.elapsedSince;
import static io.llmfallback.chain.internal.ChainParts.min;
import static io.llmfallback.chain.internal.ChainParts.modelOf;

/**
 * The second step of a streamed attempt: the provider's stream through its guard and
 * breaker, its first chunk and each next one timed, its errors mapped onto typed
 * failures, its whole answer through the {@link ContractGuard}, and its one record made
 * whichever way it ends: served, failed, kept back, given up, or cancelled by the caller.
 */
final class StreamCall {

	private final ChainParts parts;

	private final ContractGuard contract;

	StreamCall(ChainParts parts, ContractGuard contract) {
		this.parts = parts;
		this.contract = contract;
	}

	/**
	 * One streamed call of a provider: through its guard (its bulkhead and rate limits,
	 * its first chunk watched as a call in flight) and breaker, the first chunk within
	 * the attempt's own deadline and each next one within the stall limit, none past the
	 * deadline; a breaker that opens before the first chunk gives it up. Chunks without
	 * text before the first one with text are held back, and a stream without text fails,
	 * unless it continues another's.
	 * @param holdUntilEnd whether the chunks reach the caller only once the stream has
	 * ended, for callers that read it whole
	 */
	Flux<ChatChunk> call(RequestRun run, LlmProvider provider, int index, ChatRequest attemptRequest,
			StreamedAnswer answer, long deadlineNanos, boolean holdUntilEnd) {
		long start = answer.recorder.startNanos();
		String model = modelOf(attemptRequest, provider);
		StreamSettings limits = this.parts.guards().settings(provider.name()).stream();
		Duration firstChunk = min(limits.timeToFirstChunk(), Duration.ofNanos(deadlineNanos - start));
		Flux<ChatChunk> chunks = this.parts.middleware()
			.onAttempt(attemptRequest, run)
			.flatMapMany((prepared) -> this.parts.guards()
				.guardStream(provider.name(), AttemptPlan.estimatedTokens(prepared, provider), firstChunk,
						Flux.defer(() -> {
							answer.sent = true;
							run.anySent = true;
							return provider.stream(prepared);
						})
							// The provider's own errors only: middleware errors end the
							// request as they are.
							.onErrorMap((ex) -> !(ex instanceof ProviderException),
									(ex) -> ProviderCall.unexpected(provider, ex))))
			.timeout(Mono.delay(firstChunk),
					(chunk) -> Mono.delay(min(limits.stallTimeout(),
							Duration.ofNanos(Math.max(0, deadlineNanos - ReactorTime.nanos())))))
			.onErrorMap(TimeoutException.class,
					(ex) -> new ProviderException(provider.name(), FailureCategory.TIMEOUT, null, null,
							answer.received ? "stalled: no chunk within " + limits.stallTimeout().toMillis() + " ms"
									: "no first chunk within " + firstChunk.toMillis() + " ms",
							null))
			.map(answer::joined)
			.doOnNext(answer::add)
			.filter((chunk) -> answer.hasOutput())
			.concatWith(Flux.defer(() -> (answer.hasOutput() || !answer.prefix.isEmpty()) ? Flux.empty()
					: Flux.error(new ProviderException(provider.name(), FailureCategory.EMPTY_RESPONSE, 200, null,
							"the stream ended without text", null))))
			.transform((stream) -> holdUntilEnd ? stream.collectList().flatMapIterable((held) -> {
				// Nothing has reached the caller: an answer that breaks the contract can
				// still make way for the next provider's, as a unary one does.
				ContractCheck check = check(answer, provider, model, attemptRequest, start);
				this.contract.admitHeld(run, provider, check, answer.response());
				return held;
			}) : stream)
			.doOnNext((chunk) -> answer.delivered = true)
			.doOnComplete(() -> check(answer, provider, model, attemptRequest, start))
			.transform((stream) -> observe(run, provider, Attempt.of(index, false), attemptRequest, answer, stream));
		RequestRun.StreamInFlight inFlight = new RequestRun.StreamInFlight(provider, index, attemptRequest, answer);
		Runnable settled = () -> run.endStreaming(inFlight);
		Flux<ChatChunk> guarded = this.parts.breakers()
			.protectStream(provider.name(), chunks)
			.doOnSubscribe((subscription) -> run.streaming = inFlight)
			// Cleared before the attempt's own record is made (or once an opening of the
			// breaker gave it up), so that a cancel that follows cannot record it again.
			.doOnTerminate(settled)
			.doOnCancel(settled);
		if (this.parts.guards().settings(provider.name()).cancelWaitingCalls()) {
			// Until the provider's first chunk, an opening of its breaker gives the
			// stream up, as it does a unary call; from then on the provider is answering.
			Mono<ChatChunk> opening = this.parts.breakers()
				.nextOpening(provider.name())
				.publishOn(Schedulers.parallel())
				.then(Mono
					.defer(() -> answer.received ? Mono.never() : Mono.error(ProviderCall.BreakerOpened.INSTANCE)));
			guarded = Flux.firstWithSignal(opening.flux(), guarded);
		}
		return guarded;
	}

	/**
	 * Assembles the stream's whole answer and checks it against the output contract;
	 * once, however often asked.
	 */
	ContractCheck check(StreamedAnswer answer, LlmProvider provider, String model, ChatRequest request, long start) {
		return answer.check(provider, model, request, elapsedSince(start), this.parts.settings().outputContract());
	}

	/** Records a stream that completed, and its whole answer as the one that served. */
	void served(RequestRun run, LlmProvider provider, int index, StreamedAnswer answer,
			AtomicReference<@Nullable ChainResponse> served) {
		ChatResponse response = answer.response();
		ContractCheck check = answer.check;
		// Flagged, not replaced: the caller already has the answer.
		ContractGuard.flag(run, check);
		run.add(new AttemptRecord(provider.name(), index, response.model(), AttemptOutcome.SUCCESS, null, 200,
				response.latency(), null, response.usage(), this.parts.cost(provider, response.usage()), check, false,
				0, false, answer.recorder.stats()));
		served.set(new ChainResponse(response, this.parts.name(), run.operation, run.attempts(), check.violations()));
	}

	/**
	 * Records a stream that failed, and says what it came to: the provider's failure; any
	 * other error (from middleware), which ends the request as it is; or nowhere when the
	 * stream went nowhere and the chain moves on (an open breaker, a refusal of the
	 * guard, an opening that gave it up).
	 */
	Routing.Failed failed(RequestRun run, LlmProvider provider, int index, ChatRequest request, StreamedAnswer answer,
			Throwable ex) {
		String model = modelOf(request, provider);
		if (!answer.sent) {
			run.releaseCall();
		}
		if (ex instanceof CallNotPermittedException) {
			AttemptPlan.shortCircuited(run, provider, index, model, false);
			return Routing.Failed.NOWHERE;
		}
		if (ex instanceof AttemptRefusedException refused) {
			AttemptPlan.refused(run, provider, index, model, refused, false);
			return Routing.Failed.NOWHERE;
		}
		if (ex == ProviderCall.BreakerOpened.INSTANCE) {
			run.add(answer.sent
					? this.parts.givenUp(provider, Attempt.of(index, false), model, answer.recorder.startNanos(),
							request, AttemptOutcome.CANCELLED)
					: AttemptRecord.skipped(provider.name(), index, model, AttemptOutcome.SHORT_CIRCUITED, false));
			run.lastReason = "breaker-opened";
			return Routing.Failed.NOWHERE;
		}
		if (ex instanceof ProviderException failure) {
			TokenUsage billed = answer.billed(request, failure.getBilledUsage());
			run.add(new AttemptRecord(provider.name(), index, model, AttemptOutcome.FAILED, failure.getCategory(),
					failure.getHttpStatus(), elapsedSince(answer.recorder.startNanos()), failure.getRetryAfter(),
					billed, this.parts.cost(provider, billed), answer.check, false, 0, false, answer.recorder.stats()));
			run.lastFailure = failure;
			run.lastReason = failure.getCategory().wireName();
		}
		return new Routing.Failed(ex);
	}

	/**
	 * Records the attempt in flight of a stream its caller cancelled as
	 * {@code cancelled}, with what the provider may bill: the usage it reported, else its
	 * text and prompt estimated, else the prompt.
	 */
	void cancelled(RequestRun run) {
		RequestRun.StreamInFlight streaming = run.takeStreaming();
		if (streaming != null && streaming.answer().sent) {
			StreamedAnswer answer = streaming.answer();
			ChatRequest request = streaming.request();
			LlmProvider provider = streaming.provider();
			TokenUsage billed = answer.billed(request, new TokenUsage(request.estimatedInputTokens(), 0));
			run.add(new AttemptRecord(provider.name(), streaming.index(), modelOf(request, provider),
					AttemptOutcome.CANCELLED, null, null, elapsedSince(answer.recorder.startNanos()), null, billed,
					this.parts.cost(provider, billed), ContractCheck.UNCHECKED, false, 0, false,
					answer.recorder.stats()));
		}
	}

	private Flux<ChatChunk> observe(RequestRun run, LlmProvider provider, Attempt attempt, ChatRequest request,
			StreamedAnswer answer, Flux<ChatChunk> chunks) {
		return Flux.defer(() -> {
			AttemptObservation observed = this.parts.startObservation(run, provider, attempt, request);
			// Marked streamed from the start; the timings are those recorded when the
			// attempt ends, however it ends.
			observed.streamed(answer.recorder.stats());
			return chunks.doOnComplete(() -> ended(observed, answer, () -> observed.succeeded(answer.response)))
				.doOnError((failure) -> ended(observed, answer, () -> observed.failed(failure)))
				.doOnCancel(() -> ended(observed, answer, () -> observed.cancelled(answer.sent ? "cancelled" : null)))
				.contextWrite((reactorContext) -> reactorContext.put(ObservationThreadLocalAccessor.KEY,
						observed.observation()));
		});
	}

	/** Ends the attempt's observation with the stream's timings as they were recorded. */
	private static void ended(AttemptObservation observed, StreamedAnswer answer, Runnable outcome) {
		observed.streamed(answer.recorder.stats());
		outcome.run();
	}

}
