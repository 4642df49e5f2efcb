package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainRequestObservationContext;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The state of one logical request, owned by it: each subscription has its own, shared by
 * the lines of a hedge. The attempt's steps take it explicitly; it is the one place where
 * what a request accumulates (its attempt records, its calls, why the last attempt did
 * not serve) is kept.
 */
final class RequestRun {

	final String operation;

	final long startNanos;

	final long deadlineNanos;

	/** The type the caller wants the answer mapped onto, or {@code null} for text. */
	final @Nullable ResultMapping<?> mapping;

	private final List<AttemptRecord> attempts = new ArrayList<>();

	/** Provider calls made or about to be made, against {@code max-attempts}. */
	private final AtomicInteger calls = new AtomicInteger();

	/** Counted by both lines of a hedged request at once. */
	final Map<ChainMiddleware.Stage, Integer> middlewareEvaluations = new ConcurrentHashMap<>();

	final ChainRequestObservationContext observationContext;

	Observation observation = Observation.NOOP;

	volatile @Nullable ProviderException lastFailure;

	/**
	 * The contract check of the last answer, kept for the attempt record when it broke
	 * the contract.
	 */
	volatile ContractCheck lastContractCheck = ContractCheck.UNCHECKED;

	/**
	 * Why the attempt before the current one did not serve: a failure category, or the
	 * skip's label.
	 */
	volatile @Nullable String lastReason;

	/**
	 * A hedged request has its answer or its failure: a line cancelled from now on lost
	 * the race.
	 */
	volatile boolean raceDecided;

	/**
	 * The provider whose answer a hedged request served, once the race is decided.
	 */
	volatile @Nullable String servedBy;

	/**
	 * Some provider was called: a request with a call of its own in flight makes no last
	 * resort.
	 */
	volatile boolean anySent;

	/**
	 * The streamed attempt in flight, to be recorded should the caller cancel the stream.
	 */
	volatile @Nullable StreamInFlight streaming;

	/**
	 * The attempt is over: no longer the one in flight, unless another has taken its
	 * place already.
	 */
	synchronized void endStreaming(StreamInFlight attempt) {
		if (this.streaming == attempt) {
			this.streaming = null;
		}
	}

	/**
	 * Takes the attempt in flight, once: the cancel that ends the request records it.
	 */
	synchronized @Nullable StreamInFlight takeStreaming() {
		StreamInFlight attempt = this.streaming;
		this.streaming = null;
		return attempt;
	}

	RequestRun(String chain, String operation, long startNanos, Duration budget, @Nullable ResultMapping<?> mapping) {
		this.operation = operation;
		this.startNanos = startNanos;
		this.deadlineNanos = startNanos + budget.toNanos();
		this.mapping = mapping;
		this.observationContext = new ChainRequestObservationContext(chain, operation);
	}

	void evaluated(ChainMiddleware.Stage stage) {
		this.middlewareEvaluations.merge(stage, 1, Integer::sum);
	}

	synchronized void add(AttemptRecord attempt) {
		this.attempts.add(attempt);
	}

	/**
	 * Adds the call's record unless it has one: the thread that records an answer and the
	 * one that cancels the call may both try, and the request's attempts are read under
	 * the same lock.
	 */
	synchronized void addOnce(CallState call, AttemptRecord attempt) {
		if (call.claimRecord()) {
			this.attempts.add(attempt);
		}
	}

	/**
	 * The attempts so far. Once a hedged request is served, an answer of the other line
	 * that came in at the same moment reads as {@code hedge-lost}: billed, not served.
	 */
	synchronized List<AttemptRecord> attempts() {
		String servedBy = this.servedBy;
		if (servedBy == null) {
			return List.copyOf(this.attempts);
		}
		return this.attempts.stream()
			.map((attempt) -> (attempt.outcome() == AttemptOutcome.SUCCESS && !attempt.provider().equals(servedBy))
					? attempt.lostTheRace() : attempt)
			.toList();
	}

	/**
	 * Takes a place for one more provider call; {@code false} when the request has made
	 * its last.
	 */
	boolean reserveCall(int maxAttempts) {
		int made;
		do {
			made = this.calls.get();
			if (made >= maxAttempts) {
				return false;
			}
		}
		while (!this.calls.compareAndSet(made, made + 1));
		return true;
	}

	void releaseCall() {
		this.calls.decrementAndGet();
	}

	boolean hasCallsLeft(int maxAttempts) {
		return this.calls.get() < maxAttempts;
	}

	/**
	 * A streamed attempt under way: what its record needs should the caller cancel it.
	 */
	record StreamInFlight(LlmProvider provider, int index, ChatRequest request, StreamedAnswer answer) {

	}

}
