package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.function.Function;

import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The primary and, from the hedge delay on, the rest of the chain, racing for one
 * request: the first answer serves and the other line is given up (its call recorded as
 * {@code hedge-lost}). The rest of the chain starts as a hedge only when the request has
 * attempts left and the hedge budget allows; it starts at once, as an ordinary fallover,
 * when the primary falls over first. The request fails when both lines have; a primary
 * failure that ends the request (not in {@code fallback-on}) ends it at once. Every
 * transition holds the race's lock; a line may call back into it while it is being
 * subscribed.
 */
final class HedgeRace {

	private final RequestRun run;

	private final ChainParts parts;

	/** Starts the rest of the chain, as a hedge or as an ordinary fallover. */
	private final Function<Boolean, Mono<ChainResponse>> rest;

	private final MonoSink<ChainResponse> sink;

	/** The hedge timer and the lines; disposing one that has ended does nothing. */
	private final Disposable.Composite subscriptions = Disposables.composite();

	private @Nullable Disposable timer;

	private boolean restStarted;

	private boolean primaryFellOver;

	private @Nullable Throwable restFailure;

	private boolean finished;

	HedgeRace(RequestRun run, ChainParts parts, Function<Boolean, Mono<ChainResponse>> rest,
			MonoSink<ChainResponse> sink) {
		this.run = run;
		this.parts = parts;
		this.rest = rest;
		this.sink = sink;
	}

	synchronized void start(Mono<ChainResponse> primaryLine, Duration delay) {
		this.sink.onCancel(this::cancel);
		this.timer = Mono.delay(delay).subscribe((tick) -> hedge());
		this.subscriptions.add(this.timer);
		this.subscriptions
			.add(primaryLine.contextWrite(this.sink.contextView()).subscribe(this::served, this::primaryFailed));
	}

	private synchronized void hedge() {
		if (this.finished || this.restStarted || !this.run.hasCallsLeft(this.parts.settings().maxAttempts())
				|| !this.parts.hedgeBudget().tryAcquire()) {
			return;
		}
		startRest(true);
	}

	private void startRest(boolean asHedge) {
		this.restStarted = true;
		this.subscriptions.add(this.rest.apply(asHedge)
			.contextWrite(this.sink.contextView())
			.subscribe(this::served, this::restFailed));
	}

	private synchronized void served(ChainResponse response) {
		if (this.finished) {
			return;
		}
		this.finished = true;
		this.run.servedBy = response.response().provider();
		this.run.raceDecided = true;
		// Gives up the other line, recording its call as hedge-lost before the answer
		// is told with every attempt.
		this.subscriptions.dispose();
		this.sink.success(new ChainResponse(response.response(), response.chain(), response.operation(),
				this.run.attempts(), response.contractViolations(), response.entity()));
	}

	private synchronized void primaryFailed(Throwable failure) {
		if (this.finished) {
			return;
		}
		if (failure != PrimaryFellOver.INSTANCE) {
			fail(failure);
			return;
		}
		this.primaryFellOver = true;
		if (this.timer != null) {
			this.timer.dispose();
		}
		if (!this.restStarted) {
			startRest(false);
		}
		else if (this.restFailure != null) {
			fail(this.restFailure);
		}
	}

	private synchronized void restFailed(Throwable failure) {
		if (this.finished) {
			return;
		}
		if (this.primaryFellOver) {
			fail(failure);
		}
		else {
			// The primary may still answer; its failure would end the request with
			// this one.
			this.restFailure = failure;
		}
	}

	/**
	 * Ends the request with the failure, told again with every attempt when it was an
	 * exhausted chain.
	 */
	private void fail(Throwable failure) {
		this.finished = true;
		this.run.raceDecided = true;
		this.subscriptions.dispose();
		this.sink.error((failure instanceof ChainExhaustedException) ? this.parts.exhausted(this.run) : failure);
	}

	private synchronized void cancel() {
		this.finished = true;
		this.subscriptions.dispose();
	}

	/**
	 * Ends the primary's line of a hedged request when it falls over, so that the rest of
	 * the chain takes over.
	 */
	static final class PrimaryFellOver extends RuntimeException {

		static final PrimaryFellOver INSTANCE = new PrimaryFellOver();

		private PrimaryFellOver() {
			super("primary fell over", null, false, false);
		}

	}

}
