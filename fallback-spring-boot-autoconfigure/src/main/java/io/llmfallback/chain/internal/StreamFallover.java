package io.llmfallback.chain.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * The orchestration of a streamed request's attempts: the steps of each (plan, call,
 * routing) in turn, falling over until the first chunk with text reaches the caller, and
 * from then on ending the stream as interrupted, or continuing it on a provider that
 * accepts a prefill.
 */
final class StreamFallover {

	/** No provider continues the answer. */
	private static final int NONE = -1;

	private final ChainParts parts;

	private final AttemptPlan plan;

	private final StreamCall streams;

	private final Routing routing;

	StreamFallover(ChainParts parts, AttemptPlan plan, StreamCall streams, Routing routing) {
		this.parts = parts;
		this.plan = plan;
		this.streams = streams;
		this.routing = routing;
	}

	/**
	 * Whether each streamed attempt's chunks are held until it ends: for callers that
	 * read the stream whole ({@code restart}), and for chains with response middleware,
	 * which rewrites the whole answer.
	 */
	private boolean holdsStreams() {
		return this.parts.settings().streamRecovery().onInterruption() == StreamRecovery.OnInterruption.RESTART
				|| this.parts.middleware().rewritesResponses();
	}

	/**
	 * Streams from the provider at the index, falling over to the next until a chunk has
	 * reached the caller.
	 */
	Flux<ChatChunk> attempt(RequestRun run, ChatRequest request, int index,
			AtomicReference<@Nullable ChainResponse> served) {
		if (index == this.parts.providers().size()) {
			return Flux.error(this.parts.exhausted(run));
		}
		LlmProvider provider = this.parts.provider(index);
		Supplier<Flux<ChatChunk>> next = () -> attempt(run, request, index + 1, served);
		AttemptOutcome skipped = this.plan.skip(run, request, index);
		if (skipped == AttemptOutcome.BUDGET_EXHAUSTED) {
			return Flux.error(this.parts.exhausted(run));
		}
		if (skipped != null || !this.plan.takeCall(run, provider, index, false)) {
			return next.get();
		}
		ChatRequest attemptRequest = this.plan.requestFor(request, provider, index);
		StreamedAnswer answer = new StreamedAnswer(ReactorTime.nanos(), "");
		return this.streams.call(run, provider, index, attemptRequest, answer, run.deadlineNanos, holdsStreams())
			.doOnComplete(() -> this.streams.served(run, provider, index, answer, served))
			.onErrorResume((ex) -> {
				Routing.Route route = this.routing.afterStreamFailure(run, answer,
						this.streams.failed(run, provider, index, attemptRequest, answer, ex));
				if (route instanceof Routing.Interrupted interrupted) {
					return (this.parts.settings()
						.streamRecovery()
						.onInterruption() == StreamRecovery.OnInterruption.CONTINUE)
								? continueStream(run, request, index + 1, answer, interrupted.interruption(), served)
								: Flux.error(interrupted.interruption());
				}
				return (route instanceof Routing.Fail fail) ? Flux.error(fail.error()) : next.get();
			});
	}

	/**
	 * Continues an interrupted answer on the next provider from the index on that accepts
	 * a prefill and takes the request: it gets the request with the text sent so far as
	 * the start of its own answer, and its chunks follow the caller's. It has the chain's
	 * continuation budget, within what is left of the latency budget, and is the
	 * request's one continuation. Whatever keeps it from finishing the answer (no such
	 * provider, its open breaker, a refusal of the prefill, its own failure before or
	 * after its chunks), the caller gets the first interruption, with the continuation's
	 * failure suppressed in it: a rejected prefill never hides why the answer was cut.
	 */
	private Flux<ChatChunk> continueStream(RequestRun run, ChatRequest request, int from, StreamedAnswer cut,
			ChainInterruptedException interruption, AtomicReference<@Nullable ChainResponse> served) {
		int index = continuingProvider(run, request.withPrefill(cut.text()), from);
		if (index == NONE) {
			// With the providers the search skipped among its attempts.
			return Flux.error(new ChainInterruptedException(this.parts.name(), run.operation, run.attempts(),
					interruption.getFailure(), interruption.getCharactersStreamed()));
		}
		LlmProvider provider = this.parts.provider(index);
		long start = ReactorTime.nanos();
		long deadline = Math.min(run.deadlineNanos,
				start + this.parts.settings().streamRecovery().continuationBudget().toNanos());
		ChatRequest prefilled = this.plan.requestFor(request, provider, index).withPrefill(cut.text());
		StreamedAnswer answer = new StreamedAnswer(start, cut.text());
		answer.recorder.continuation();
		return this.streams.call(run, provider, index, prefilled, answer, deadline, false)
			.doOnComplete(() -> this.streams.served(run, provider, index, answer, served))
			.onErrorResume((ex) -> {
				if (ex instanceof ProviderException nothingToAdd
						&& nothingToAdd.getCategory() == FailureCategory.EMPTY_RESPONSE
						&& nothingToAdd.getHttpStatus() != null) {
					// The provider ended its turn without a word: the answer it was given
					// was whole already.
					this.streams.check(answer, provider, ChainParts.modelOf(prefilled, provider), prefilled, start);
					this.streams.served(run, provider, index, answer, served);
					return Flux.empty();
				}
				Throwable failed = this.streams.failed(run, provider, index, prefilled, answer, ex).error();
				ChainInterruptedException stillCut = new ChainInterruptedException(this.parts.name(), run.operation,
						run.attempts(), interruption.getFailure(), answer.length());
				stillCut.addSuppressed((failed != null) ? failed : ex);
				return Flux.error(stillCut);
			});
	}

	/**
	 * The index of the first provider from {@code from} on that accepts a prefill and is
	 * not skipped, its call taken, or {@link #NONE}. A provider the plan skips (its model
	 * lacks what the prefilled request needs: tools, images, a schema, a context window
	 * that holds the text so far too; or a spend limit keeps it back) is recorded as
	 * skipped and the next one that accepts a prefill is asked.
	 */
	private int continuingProvider(RequestRun run, ChatRequest prefilled, int from) {
		int size = this.parts.providers().size();
		int index = this.plan.prefillProviderFrom(from);
		while (index < size) {
			AttemptOutcome skipped = this.plan.skip(run, prefilled, index);
			if (skipped == AttemptOutcome.BUDGET_EXHAUSTED) {
				return NONE;
			}
			if (skipped == null) {
				return this.plan.takeCall(run, this.parts.provider(index), index, false) ? index : NONE;
			}
			index = this.plan.prefillProviderFrom(index + 1);
		}
		return NONE;
	}

}
