package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Signal;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Runs one logical request down an ordered list of providers.
 * <ul>
 * <li>A provider whose breaker is open is skipped at once: no request pays its
 * timeout.</li>
 * <li>A request that finds every provider's breaker open makes one last-resort attempt on
 * the provider that has waited longest, at most one a second per provider, unless the
 * chain's {@code last-resort} is off.</li>
 * <li>Each attempt's timeout is the smaller of the provider's timeout and what is left of
 * the chain's latency budget, so the chain never runs past its deadline however many
 * providers it has.</li>
 * <li>A non-primary attempt has its output tokens capped at {@code fallback-max-tokens}
 * and uses its own configured model.</li>
 * <li>A failure in {@code fallback-on} moves on; any other ends the request with
 * {@link ChainAbortedException}; running out of providers or budget ends it with
 * {@link ChainExhaustedException}.</li>
 * <li>An answer that breaks the chain's output contract moves on to the next provider
 * ({@code next-provider}) or is served flagged ({@code accept-and-flag}).</li>
 * <li>While a spend limit is reached, fallbacks that cost more than the primary are
 * skipped ({@code spend-limited}).</li>
 * <li>Request-stage middleware runs once, attempt-stage middleware before every attempt,
 * response-stage middleware once on the served response.</li>
 * </ul>
 * Time is read from Reactor's parallel scheduler, the one {@link Mono#timeout(Duration)}
 * uses, so that virtual-time tests drive deadlines and timeouts alike.
 */
public final class FallbackChain {

	private static final Log logger = LogFactory.getLog(FallbackChain.class);

	private static final ChainRequestObservationConvention DEFAULT_REQUEST_CONVENTION = new DefaultChainRequestObservationConvention();

	/**
	 * Retries a window allows beyond the retry budget's share: one, so that a quiet
	 * chain, whose share rounds to nothing, may still retry, without a provider that
	 * fails every call getting much more than its traffic.
	 */
	private static final int RETRY_RESERVE = 1;

	private final ChainSettings settings;

	private final List<LlmProvider> providers;

	private final ProviderCircuitBreakers breakers;

	private final ProviderGuards guards;

	private final ShareBudget retryBudget;

	private final ShareBudget hedgeBudget;

	private final Map<String, Pricing> pricing;

	private final ChainListener listener;

	private final ChainExtensions extensions;

	private final List<ChainMiddleware> requestMiddleware;

	private final List<ChainMiddleware> attemptMiddleware;

	private final List<ChainMiddleware> responseMiddleware;

	public FallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			Map<String, Pricing> pricing, ChainListener listener) {
		this(settings, providers, breakers, pricing, listener, ChainExtensions.NONE);
	}

	/**
	 * A chain whose providers have their default guards, of its own: for a chain that
	 * shares no provider.
	 */
	public FallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			Map<String, Pricing> pricing, ChainListener listener, ChainExtensions extensions) {
		this(settings, providers, breakers, defaultGuards(providers, breakers), pricing, listener, extensions);
	}

	public FallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			ProviderGuards guards, Map<String, Pricing> pricing, ChainListener listener, ChainExtensions extensions) {
		if (providers.isEmpty()) {
			throw new IllegalArgumentException("Chain '" + settings.name() + "' has no providers");
		}
		this.settings = settings;
		this.providers = List.copyOf(providers);
		this.breakers = breakers;
		this.guards = guards;
		this.retryBudget = new ShareBudget(settings.retryBudget(), RETRY_RESERVE);
		this.hedgeBudget = new ShareBudget(settings.hedge().maxShare(), 0);
		this.pricing = Map.copyOf(pricing);
		this.listener = listener;
		this.extensions = extensions;
		this.requestMiddleware = extensions.at(ChainMiddleware.Stage.REQUEST);
		this.attemptMiddleware = extensions.at(ChainMiddleware.Stage.ATTEMPT);
		this.responseMiddleware = extensions.at(ChainMiddleware.Stage.RESPONSE);
	}

	private static ProviderGuards defaultGuards(List<LlmProvider> providers, ProviderCircuitBreakers breakers) {
		Map<String, GuardSettings> guards = new LinkedHashMap<>();
		providers.forEach((provider) -> guards.put(provider.name(),
				GuardSettings.defaults(provider.timeout(), BreakerSettings.DEFAULTS)));
		return new ProviderGuards(guards, breakers);
	}

	public String name() {
		return this.settings.name();
	}

	public ChainSettings settings() {
		return this.settings;
	}

	public List<LlmProvider> providers() {
		return this.providers;
	}

	/** The retries the chain may still make, and those it made and was refused. */
	public ShareBudget retryBudget() {
		return this.retryBudget;
	}

	/** The hedges the chain may still start, and those it started and was refused. */
	public ShareBudget hedgeBudget() {
		return this.hedgeBudget;
	}

	/** Sends the request with the chain's name as the operation. */
	public Mono<ChainResponse> chat(ChatRequest request) {
		return chat(request, this.settings.name());
	}

	/**
	 * Sends the request down the chain. The result is lazy; each subscription is a new
	 * logical request with its own deadline.
	 */
	public Mono<ChainResponse> chat(ChatRequest request, String operation) {
		return execute(request, operation, null);
	}

	/**
	 * Sends the request down the chain and maps the served answer's JSON onto a type,
	 * available from {@link ChainResponse#entity(Class)}. An answer that does not map is
	 * a contract violation of the provider that wrote it, so the chain moves on to the
	 * next provider whatever {@code on-violation} says: there is nothing to serve.
	 */
	public Mono<ChainResponse> chat(ChatRequest request, String operation, ResultMapping<?> mapping) {
		return execute(request, operation, mapping);
	}

	/**
	 * Streams the answer down the chain. Until the first chunk with text reaches the
	 * caller, a failure falls over as in {@link #chat}: a provider that fails, answers
	 * late (its {@code time-to-first-chunk}, from the attempt's own start) or sends an
	 * error event inside its 200 is replaced by the next. From the first chunk on the
	 * caller holds that provider's text, so a failure (an error event, a stall past
	 * {@code stall-timeout}, a stream that ends without its terminator) ends the stream
	 * with {@link ChainInterruptedException} after the chunks already sent: a cut answer
	 * never passes for a whole one. The chain's {@link StreamRecovery} may instead
	 * continue the answer on a provider that accepts a prefill, or hold each attempt's
	 * chunks until it ends for callers that read the stream whole. Cancelling the stream
	 * cancels the provider's request. The outcome is counted like a unary request's, with
	 * the assembled answer checked against the output contract and flagged, never
	 * replaced, when it breaks it.
	 */
	public Flux<ChatChunk> stream(ChatRequest request, String operation) {
		return stream(request, operation, (served) -> {
		});
	}

	/**
	 * Streams the answer down the chain, as {@link #stream(ChatRequest, String)}, and
	 * hands the served answer (the whole text, its attempts, usage and cost) to
	 * {@code onServed} once the last chunk has been sent, before the stream completes:
	 * for a caller that reports on the answer after its chunks, such as a final usage
	 * event. It is not called when the stream fails or is cancelled.
	 */
	public Flux<ChatChunk> stream(ChatRequest request, String operation, Consumer<ChainResponse> onServed) {
		return Flux.deferContextual((reactorContext) -> {
			Run run = begin(reactorContext, operation, null);
			AtomicReference<@Nullable ChainResponse> served = new AtomicReference<>();
			Flux<ChatChunk> chunks = prepare(request, run)
				.flatMapMany((prepared) -> streamAttempt(run, prepared, 0, served));
			if (!this.responseMiddleware.isEmpty()) {
				// The held answer, rewritten whole: response middleware (a redaction,
				// say) cannot take back text already sent, so the caller gets the
				// rewritten answer as one chunk.
				chunks = chunks
					.thenMany(Mono.defer(() -> applyResponseMiddleware(servedOf(served), run)).map((rewritten) -> {
						served.set(rewritten);
						ChatResponse response = rewritten.response();
						return new ChatChunk(response.text(), response.finishReason(), response.usage(),
								response.model());
					}));
			}
			return chunks.doOnComplete(() -> {
				ChainResponse response = served.get();
				finish(run, response, null);
				if (response != null) {
					onServed.accept(response);
				}
			})
				.doOnError((ex) -> finish(run, null, ex))
				.doOnCancel(() -> cancelled(run))
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, run.observation));
		});
	}

	/**
	 * Ends a stream its caller cancelled (stopped reading, closed the connection): the
	 * attempt in flight is recorded as {@code cancelled} with what the provider may bill
	 * (the usage it reported, else its text and prompt estimated, else the prompt), and
	 * the listeners are told through {@link ChainListener#onCancelled}, so that the spend
	 * guard and the cost meters count it.
	 */
	private void cancelled(Run run) {
		StreamInFlight streaming = run.takeStreaming();
		if (streaming != null && streaming.answer().sent) {
			TokenUsage billed = streaming.answer()
				.billed(streaming.request(), new TokenUsage(streaming.request().estimatedInputTokens(), 0));
			run.add(new AttemptRecord(streaming.provider().name(), streaming.index(),
					modelOf(streaming.request(), streaming.provider()), AttemptOutcome.CANCELLED, null, null,
					elapsedSince(streaming.answer().stats.startNanos()), null, billed,
					cost(streaming.provider(), billed), ContractCheck.UNCHECKED, false, 0, false,
					streaming.answer().stats));
		}
		run.observation.stop();
		reportCancelled(run);
	}

	/**
	 * Tells the listeners of a request its caller cancelled, with the calls it made:
	 * those given up were recorded as {@code cancelled}, at what the provider may bill.
	 */
	private void reportCancelled(Run run) {
		ChainOutcome outcome = new ChainOutcome(name(), run.operation, null, null, run.attempts(),
				elapsedSince(run.startNanos), run.middlewareEvaluations);
		try {
			this.listener.onCancelled(outcome);
		}
		catch (RuntimeException ex) {
			logger.warn("A chain listener failed on the cancelled request of chain '" + name() + "'", ex);
		}
	}

	/**
	 * Whether each streamed attempt's chunks are held until it ends: for callers that
	 * read the stream whole ({@code restart}), and for chains with response middleware,
	 * which rewrites the whole answer.
	 */
	private boolean holdsStreams() {
		return this.settings.streamRecovery().onInterruption() == StreamRecovery.OnInterruption.RESTART
				|| !this.responseMiddleware.isEmpty();
	}

	private static ChainResponse servedOf(AtomicReference<@Nullable ChainResponse> served) {
		ChainResponse response = served.get();
		if (response == null) {
			throw new IllegalStateException("The stream completed without a served answer");
		}
		return response;
	}

	/**
	 * Streams from the provider at the index, falling over to the next until a chunk has
	 * reached the caller.
	 */
	private Flux<ChatChunk> streamAttempt(Run run, ChatRequest request, int index,
			AtomicReference<@Nullable ChainResponse> served) {
		if (index == this.providers.size()) {
			return Flux.error(exhausted(run));
		}
		LlmProvider provider = this.providers.get(index);
		Supplier<Flux<ChatChunk>> next = () -> streamAttempt(run, request, index + 1, served);
		AttemptOutcome skipped = skip(run, index);
		if (skipped == AttemptOutcome.BUDGET_EXHAUSTED) {
			return Flux.error(exhausted(run));
		}
		if (skipped != null || !takeCall(run, provider, index, false)) {
			return next.get();
		}
		ChatRequest attemptRequest = requestFor(request, provider, index);
		StreamedAnswer answer = new StreamedAnswer(now(), "");
		return streamCall(run, provider, index, attemptRequest, answer, run.deadlineNanos, holdsStreams())
			.doOnComplete(() -> servedStream(run, provider, index, answer, served))
			.onErrorResume((ex) -> {
				Throwable failed = streamFailed(run, provider, index, attemptRequest, answer, ex);
				if (failed == null) {
					return next.get();
				}
				if (!(failed instanceof ProviderException failure)) {
					return Flux.error(failed);
				}
				if (answer.delivered) {
					ChainInterruptedException interrupted = new ChainInterruptedException(name(), run.operation,
							run.attempts(), failure, answer.length());
					return (this.settings.streamRecovery().onInterruption() == StreamRecovery.OnInterruption.CONTINUE)
							? continueStream(run, request, index + 1, answer, interrupted, served)
							: Flux.error(interrupted);
				}
				// A contract violation moves on whatever fallback-on says, as in a unary
				// request.
				if (this.settings.fallbackOn().contains(failure.getCategory())
						|| failure.getCategory() == FailureCategory.CONTRACT_VIOLATION) {
					return next.get();
				}
				return Flux.error(new ChainAbortedException(name(), run.operation, run.attempts(), failure));
			});
	}

	/**
	 * Continues an interrupted answer on the next provider from the index on that accepts
	 * a prefill: it gets the request with the text sent so far as the start of its own
	 * answer, and its chunks follow the caller's. It has the chain's continuation budget,
	 * within what is left of the latency budget, and is the request's one continuation.
	 * Whatever keeps it from finishing the answer (no such provider, a skip, its open
	 * breaker, a refusal of the prefill, its own failure before or after its chunks), the
	 * caller gets the first interruption, with the continuation's failure suppressed in
	 * it: a rejected prefill never hides why the answer was cut.
	 */
	private Flux<ChatChunk> continueStream(Run run, ChatRequest request, int from, StreamedAnswer cut,
			ChainInterruptedException interruption, AtomicReference<@Nullable ChainResponse> served) {
		int index = from;
		while (index < this.providers.size() && !this.providers.get(index).acceptsPrefill()) {
			index++;
		}
		if (index == this.providers.size() || skip(run, index) != null
				|| !takeCall(run, this.providers.get(index), index, false)) {
			return Flux.error(interruption);
		}
		LlmProvider provider = this.providers.get(index);
		int continuing = index;
		long start = now();
		long deadline = Math.min(run.deadlineNanos,
				start + this.settings.streamRecovery().continuationBudget().toNanos());
		ChatRequest prefilled = requestFor(request, provider, index).withPrefill(cut.text());
		StreamedAnswer answer = new StreamedAnswer(start, cut.text());
		answer.stats.continuation();
		return streamCall(run, provider, index, prefilled, answer, deadline, false)
			.doOnComplete(() -> servedStream(run, provider, continuing, answer, served))
			.onErrorResume((ex) -> {
				if (ex instanceof ProviderException nothingToAdd
						&& nothingToAdd.getCategory() == FailureCategory.EMPTY_RESPONSE
						&& nothingToAdd.getHttpStatus() != null) {
					// The provider ended its turn without a word: the answer it was given
					// was whole already.
					answer.check(provider, modelOf(prefilled, provider), prefilled, elapsedSince(start),
							this.settings.outputContract());
					servedStream(run, provider, continuing, answer, served);
					return Flux.empty();
				}
				Throwable failed = streamFailed(run, provider, continuing, prefilled, answer, ex);
				ChainInterruptedException stillCut = new ChainInterruptedException(name(), run.operation,
						run.attempts(), interruption.getFailure(), answer.length());
				stillCut.addSuppressed((failed != null) ? failed : ex);
				return Flux.error(stillCut);
			});
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
	private Flux<ChatChunk> streamCall(Run run, LlmProvider provider, int index, ChatRequest attemptRequest,
			StreamedAnswer answer, long deadlineNanos, boolean holdUntilEnd) {
		long start = answer.stats.startNanos();
		String model = modelOf(attemptRequest, provider);
		StreamSettings limits = this.guards.settings(provider.name()).stream();
		Duration firstChunk = min(limits.timeToFirstChunk(), Duration.ofNanos(deadlineNanos - start));
		Flux<ChatChunk> chunks = applyRequestMiddleware(attemptRequest, this.attemptMiddleware, run)
			.flatMapMany((prepared) -> this.guards.guardStream(provider.name(), estimatedTokens(prepared, provider),
					firstChunk, Flux.defer(() -> {
						answer.sent = true;
						run.anySent = true;
						return provider.stream(prepared);
					})
						// The provider's own errors only: middleware errors end the
						// request as they are.
						.onErrorMap((ex) -> !(ex instanceof ProviderException),
								(ex) -> new ProviderException(provider.name(), FailureCategory.INVALID_RESPONSE, null,
										null, "unexpected " + ex.getClass().getSimpleName(), ex))))
			.timeout(Mono.delay(firstChunk),
					(chunk) -> Mono
						.delay(min(limits.stallTimeout(), Duration.ofNanos(Math.max(0, deadlineNanos - now())))))
			.onErrorMap(TimeoutException.class,
					(ex) -> new ProviderException(provider.name(), FailureCategory.TIMEOUT, null, null,
							answer.received ? "stalled: no chunk within " + limits.stallTimeout().toMillis() + " ms"
									: "no first chunk within " + firstChunk.toMillis() + " ms",
							null))
			.map(answer::joined)
			.doOnNext(answer::add)
			.filter((chunk) -> answer.hasText())
			.concatWith(Flux.defer(() -> (answer.hasText() || !answer.prefix.isEmpty()) ? Flux.empty()
					: Flux.error(new ProviderException(provider.name(), FailureCategory.EMPTY_RESPONSE, 200, null,
							"the stream ended without text", null))))
			.transform((stream) -> holdUntilEnd ? stream.collectList().flatMapIterable((held) -> {
				// Nothing has reached the caller: an answer that breaks the contract can
				// still make way for the next provider's, as a unary one does.
				ContractCheck check = answer.check(provider, model, attemptRequest, elapsedSince(start),
						this.settings.outputContract());
				if (!check.passed() && this.settings.outputContract().onViolation() == OnViolation.NEXT_PROVIDER) {
					run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
					throw ProviderException.contractViolation(provider.name(), check.violations(),
							answer.response().usage());
				}
				return held;
			}) : stream)
			.doOnNext((chunk) -> answer.delivered = true)
			.doOnComplete(() -> answer.check(provider, model, attemptRequest, elapsedSince(start),
					this.settings.outputContract()))
			.transform((stream) -> observeStreamAttempt(run, provider, new Attempt(index, false, 0, false),
					attemptRequest, answer, stream));
		StreamInFlight inFlight = new StreamInFlight(provider, index, attemptRequest, answer);
		Runnable settled = () -> run.endStreaming(inFlight);
		Flux<ChatChunk> guarded = this.breakers.protectStream(provider.name(), chunks)
			.doOnSubscribe((subscription) -> run.streaming = inFlight)
			// Cleared before the attempt's own record is made (or once an opening of the
			// breaker gave it up), so that a cancel that follows cannot record it again.
			.doOnTerminate(settled)
			.doOnCancel(settled);
		if (this.guards.settings(provider.name()).cancelWaitingCalls()) {
			// Until the provider's first chunk, an opening of its breaker gives the
			// stream up, as it does a unary call; from then on the provider is answering.
			Mono<ChatChunk> opening = this.breakers.nextOpening(provider.name())
				.publishOn(Schedulers.parallel())
				.then(Mono.defer(() -> answer.received ? Mono.never() : Mono.error(BreakerOpened.INSTANCE)));
			guarded = Flux.firstWithSignal(opening.flux(), guarded);
		}
		return guarded;
	}

	/** Records a stream that completed, and its whole answer as the one that served. */
	private void servedStream(Run run, LlmProvider provider, int index, StreamedAnswer answer,
			AtomicReference<@Nullable ChainResponse> served) {
		ChatResponse response = answer.response();
		ContractCheck check = answer.check;
		if (!check.passed()) {
			// Flagged, not replaced: the caller already has the answer.
			run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
		}
		run.add(new AttemptRecord(provider.name(), index, response.model(), AttemptOutcome.SUCCESS, null, 200,
				response.latency(), null, response.usage(), cost(provider, response.usage()), check, false, 0, false,
				answer.stats));
		served.set(new ChainResponse(response, name(), run.operation, run.attempts(), check.violations()));
	}

	/**
	 * Records a stream that failed, and tells why: the provider's failure; any other
	 * error (from middleware), which ends the request as it is; or {@code null} when the
	 * stream went nowhere and the chain moves on (an open breaker, a refusal of the
	 * guard, an opening that gave it up).
	 */
	private @Nullable Throwable streamFailed(Run run, LlmProvider provider, int index, ChatRequest request,
			StreamedAnswer answer, Throwable ex) {
		String model = modelOf(request, provider);
		if (!answer.sent) {
			run.releaseCall();
		}
		if (ex instanceof CallNotPermittedException) {
			shortCircuited(run, provider, index, model, false);
			return null;
		}
		if (ex instanceof AttemptRefusedException refused) {
			AttemptRecord refusal = AttemptRecord.skipped(provider.name(), index, model, refused.getOutcome(), false);
			run.add(refusal);
			run.lastReason = refusal.label();
			return null;
		}
		if (ex == BreakerOpened.INSTANCE) {
			run.add(answer.sent
					? givenUp(provider, new Attempt(index, false, 0, false), model, answer.stats.startNanos(), request,
							AttemptOutcome.CANCELLED)
					: AttemptRecord.skipped(provider.name(), index, model, AttemptOutcome.SHORT_CIRCUITED, false));
			run.lastReason = "breaker-opened";
			return null;
		}
		if (!(ex instanceof ProviderException failure)) {
			return ex;
		}
		TokenUsage billed = answer.billed(request, failure.getBilledUsage());
		run.add(new AttemptRecord(provider.name(), index, model, AttemptOutcome.FAILED, failure.getCategory(),
				failure.getHttpStatus(), elapsedSince(answer.stats.startNanos()), failure.getRetryAfter(), billed,
				cost(provider, billed), answer.check, false, 0, false, answer.stats));
		run.lastFailure = failure;
		run.lastReason = failure.getCategory().wireName();
		return failure;
	}

	private Mono<ChainResponse> execute(ChatRequest request, String operation, @Nullable ResultMapping<?> mapping) {
		return Mono.deferContextual((reactorContext) -> {
			Run run = begin(reactorContext, operation, mapping);
			Observation observation = run.observation;
			return prepare(request, run).flatMap((prepared) -> attempt(run, prepared, 0))
				.flatMap((served) -> applyResponseMiddleware(served, run))
				.doOnSuccess((response) -> finish(run, response, null))
				.doOnError((ex) -> finish(run, null, ex))
				.doOnCancel(observation::stop)
				// After the cancel has gone upstream, where each call given up recorded
				// itself as cancelled.
				.doFinally((signal) -> {
					if (signal == SignalType.CANCEL) {
						reportCancelled(run);
					}
				})
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	/**
	 * Starts one logical request: its deadline, its place in the budgets' windows, and
	 * its observation.
	 */
	private Run begin(ContextView reactorContext, String operation, @Nullable ResultMapping<?> mapping) {
		Run run = new Run(name(), operation, now(), this.settings.latencyBudget(), mapping);
		this.retryBudget.recordRequest();
		this.hedgeBudget.recordRequest();
		run.observation = ChainObservationDocumentation.REQUEST
			.observation(this.extensions.requestConvention(), DEFAULT_REQUEST_CONVENTION, () -> run.observationContext,
					this.extensions.observations())
			.parentObservation(reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
			.start();
		return run;
	}

	/**
	 * The request after request middleware, which spends the same budget as the attempts:
	 * a slow guardrail or cache look-up leaves the attempts less time, and one that
	 * outlasts the budget ends the request at its deadline with every provider skipped,
	 * rather than whenever it returns.
	 */
	private Mono<ChatRequest> prepare(ChatRequest request, Run run) {
		return applyRequestMiddleware(request, this.requestMiddleware, run).timeout(this.settings.latencyBudget(),
				Mono.defer(() -> {
					skipForBudget(run, 0);
					return Mono.error(exhausted(run));
				}));
	}

	private void finish(Run run, @Nullable ChainResponse response, @Nullable Throwable error) {
		ChainFailureException failure = (error instanceof ChainFailureException chainFailure) ? chainFailure : null;
		ServedPath path = (response != null) ? response.path() : ServedPath.NONE;
		List<AttemptRecord> attempts = run.attempts();
		run.observationContext.ended(path, attempts.size());
		if (error != null) {
			run.observation.error(error);
		}
		run.observation.stop();
		if (response != null || failure != null) {
			ChainOutcome outcome = new ChainOutcome(name(), run.operation, response, failure, attempts,
					elapsedSince(run.startNanos), run.middlewareEvaluations);
			try {
				this.listener.onOutcome(outcome);
			}
			catch (RuntimeException ex) {
				// Bookkeeping must never turn a served response into an error, nor hide
				// the real failure.
				logger.warn("A chain listener failed on the outcome of chain '" + name() + "'", ex);
			}
		}
	}

	private Mono<ChatRequest> applyRequestMiddleware(ChatRequest request, List<ChainMiddleware> middleware, Run run) {
		if (middleware.isEmpty()) {
			return Mono.just(request);
		}
		return Flux.fromIterable(middleware).reduce(Mono.just(request), (result, next) -> result.flatMap((current) -> {
			run.evaluated(next.stage());
			return next.onRequest(current);
		})).flatMap((result) -> result);
	}

	private Mono<ChainResponse> applyResponseMiddleware(ChainResponse served, Run run) {
		if (this.responseMiddleware.isEmpty()) {
			return Mono.just(served);
		}
		Mono<ChatResponse> response = Mono.just(served.response());
		for (ChainMiddleware middleware : this.responseMiddleware) {
			response = response.flatMap((current) -> {
				run.evaluated(ChainMiddleware.Stage.RESPONSE);
				return middleware.onResponse(current);
			});
		}
		return response.map((rewritten) -> new ChainResponse(rewritten, served.chain(), served.operation(),
				served.attempts(), served.contractViolations(), entityOf(rewritten, served, run)));
	}

	/**
	 * The typed result of a rewritten answer: mapped again when response middleware
	 * changed the text, so that a redaction reaches the record as well as the text.
	 * @throws IllegalStateException when the rewritten text no longer maps: the
	 * middleware broke the answer
	 */
	private static @Nullable Object entityOf(ChatResponse rewritten, ChainResponse served, Run run) {
		if (run.mapping == null || rewritten.text().equals(served.text())) {
			return served.entity();
		}
		ResultMapping.Mapped<?> mapped = run.mapping.map(rewritten.text());
		if (mapped.value() == null) {
			throw new IllegalStateException("Response middleware of chain '" + served.chain()
					+ "' rewrote the answer so that it no longer maps: " + mapped.check().violations());
		}
		return mapped.value();
	}

	/**
	 * Why the provider at the index is not tried, recorded, or {@code null} to try it:
	 * the budget is spent ({@code BUDGET_EXHAUSTED}, recorded for every provider from it
	 * on), or a spend limit keeps back a fallback dearer than the primary
	 * ({@code SPEND_LIMITED}).
	 */
	private @Nullable AttemptOutcome skip(Run run, int index) {
		if (run.deadlineNanos - now() <= 0) {
			skipForBudget(run, index);
			return AttemptOutcome.BUDGET_EXHAUSTED;
		}
		LlmProvider provider = this.providers.get(index);
		if (index > 0 && costsMoreThanPrimary(provider) && this.extensions.spendGuard().isLimited(name())) {
			run.add(AttemptRecord.skipped(provider.name(), index, provider.model(), AttemptOutcome.SPEND_LIMITED,
					false));
			return AttemptOutcome.SPEND_LIMITED;
		}
		return null;
	}

	/**
	 * Takes a place among the request's calls, or records the provider as skipped when
	 * none is left.
	 */
	private boolean takeCall(Run run, LlmProvider provider, int index, boolean lastResort) {
		if (run.reserveCall(this.settings.maxAttempts())) {
			return true;
		}
		run.add(AttemptRecord.skipped(provider.name(), index, provider.model(), AttemptOutcome.MAX_ATTEMPTS,
				lastResort));
		return false;
	}

	/** Records a provider its open breaker kept from being called. */
	private static void shortCircuited(Run run, LlmProvider provider, int index, String model, boolean lastResort) {
		run.add(AttemptRecord.skipped(provider.name(), index, model, AttemptOutcome.SHORT_CIRCUITED, lastResort));
		run.lastReason = "short-circuited";
		// The span event takes the event's contextual name, so it must be the contract
		// name.
		run.observation.event(ChainObservationDocumentation.Events.SHORT_CIRCUIT);
	}

	/** Records the providers from that index on as skipped: the budget is spent. */
	private void skipForBudget(Run run, int from) {
		for (int skipped = from; skipped < this.providers.size(); skipped++) {
			LlmProvider provider = this.providers.get(skipped);
			run.add(AttemptRecord.skipped(provider.name(), skipped, provider.model(), AttemptOutcome.BUDGET_EXHAUSTED,
					false));
		}
	}

	private Mono<ChainResponse> attempt(Run run, ChatRequest request, int index) {
		return attempt(run, request, index, false);
	}

	/**
	 * Tries the provider at the index and, should it fall over, the ones after it.
	 * @param hedge whether this attempt starts beside a primary that is still working
	 */
	private Mono<ChainResponse> attempt(Run run, ChatRequest request, int index, boolean hedge) {
		if (index == this.providers.size()) {
			return lastResort(run, request, Set.of());
		}
		AttemptOutcome skipped = skip(run, index);
		if (skipped == AttemptOutcome.BUDGET_EXHAUSTED) {
			return Mono.error(exhausted(run));
		}
		if (skipped != null) {
			return attempt(run, request, index + 1, hedge);
		}
		if (index == 0 && this.settings.hedge().enabled() && this.providers.size() > 1) {
			return hedged(run, request);
		}
		return call(run, request, new Attempt(index, false, 0, hedge), () -> attempt(run, request, index + 1));
	}

	/**
	 * The primary, and the rest of the chain beside it once the primary has not answered
	 * within the hedge delay and the hedge budget allows it; the first answer serves and
	 * the other line is given up. Without a delay (a percentile of a primary with too
	 * little history) the chain runs in order.
	 */
	private Mono<ChainResponse> hedged(Run run, ChatRequest request) {
		Mono<ChainResponse> primary = call(run, request, new Attempt(0, false, 0, false),
				() -> Mono.error(PrimaryFellOver.INSTANCE));
		Duration delay = hedgeDelay();
		if (delay == null) {
			return primary.onErrorResume(PrimaryFellOver.class::isInstance, (fellOver) -> attempt(run, request, 1));
		}
		return Mono.create((sink) -> new HedgeRace(run, request, sink).start(primary, delay));
	}

	private @Nullable Duration hedgeDelay() {
		HedgeSettings hedge = this.settings.hedge();
		if (hedge.after() != null) {
			return hedge.after();
		}
		return this.guards.latencyPercentile(this.providers.get(0).name(), hedge.afterPercentile()).orElse(null);
	}

	/**
	 * The end of the chain. A request that called no provider because every one it may
	 * call was short-circuited (a fallback skipped by the spend guard stays skipped)
	 * makes one last-resort attempt, on the provider
	 * {@link ProviderCircuitBreakers#lastResortCandidate} picks, when the chain allows it
	 * and budget is left; with no candidate (every last resort spaced out or in flight)
	 * it fails at once. The attempt goes past the open breaker
	 * ({@link ProviderCircuitBreakers#protectLastResort}); whatever its outcome, the
	 * request ends with it. A request that another took the candidate's last-resort slot
	 * from in the meantime asks again without that provider, so that one due elsewhere is
	 * still used.
	 * @param rejected the providers whose last-resort slot this request was refused
	 */
	private Mono<ChainResponse> lastResort(Run run, ChatRequest request, Set<String> rejected) {
		List<AttemptRecord> attempts = run.attempts();
		if (this.settings.lastResort() && !run.anySent && calledNoProvider(attempts) && run.deadlineNanos - now() > 0) {
			Map<String, Integer> shortCircuited = new LinkedHashMap<>();
			for (AttemptRecord attempt : attempts) {
				if (attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED && !rejected.contains(attempt.provider())) {
					shortCircuited.put(attempt.provider(), attempt.index());
				}
			}
			String provider = this.breakers.lastResortCandidate(List.copyOf(shortCircuited.keySet()));
			Integer index = (provider != null) ? shortCircuited.get(provider) : null;
			if (provider != null && index != null) {
				Set<String> refused = new HashSet<>(rejected);
				refused.add(provider);
				// Comes back here only when the slot was refused: a provider that
				// answered has been called, and the request ends with its answer.
				return call(run, request, new Attempt(index, true, 0, false), () -> lastResort(run, request, refused));
			}
		}
		return Mono.error(exhausted(run));
	}

	/**
	 * Whether every provider so far was skipped without a call, at least one by its open
	 * breaker.
	 */
	private static boolean calledNoProvider(List<AttemptRecord> attempts) {
		return attempts.stream().anyMatch((attempt) -> attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED)
				&& attempts.stream()
					.allMatch((attempt) -> attempt.outcome() == AttemptOutcome.SHORT_CIRCUITED
							|| attempt.outcome() == AttemptOutcome.SPEND_LIMITED);
	}

	private ChainExhaustedException exhausted(Run run) {
		return new ChainExhaustedException(name(), run.operation, run.attempts(), run.lastFailure);
	}

	/**
	 * Calls the provider of the attempt through its breaker and its guard, within what is
	 * left of the budget, and records the attempt. A failure that falls over, an open
	 * breaker, a refusal of the guard, or the breaker opening while the call waits goes
	 * on with {@code next}; a failure worth retrying is first retried on the same
	 * provider when its retry settings, the retry budget, the request's attempts and its
	 * deadline allow.
	 */
	private Mono<ChainResponse> call(Run run, ChatRequest request, Attempt attempt,
			Supplier<Mono<ChainResponse>> next) {
		LlmProvider provider = this.providers.get(attempt.index);
		if (!takeCall(run, provider, attempt.index, attempt.lastResort)) {
			return next.get();
		}
		long start = now();
		Duration timeout = min(provider.timeout(), Duration.ofNanos(run.deadlineNanos - start));
		ChatRequest attemptRequest = requestFor(request, provider, attempt.index);
		String model = modelOf(attemptRequest, provider);
		CallState state = new CallState();
		Mono<ChainResponse> call = applyRequestMiddleware(attemptRequest, this.attemptMiddleware, run)
			.flatMap((prepared) -> this.guards.guard(provider.name(), estimatedTokens(prepared, provider),
					// Deferred so that a provider throwing instead of signalling still
					// ends as a typed failure.
					Mono.defer(() -> {
						if (!state.send()) {
							// Given up before it left: the provider is never called.
							return Mono.never();
						}
						run.anySent = true;
						return provider.chat(prepared);
					})
						.onErrorMap((ex) -> !(ex instanceof ProviderException),
								(ex) -> new ProviderException(provider.name(), FailureCategory.INVALID_RESPONSE, null,
										null, "unexpected " + ex.getClass().getSimpleName(), ex))
						.switchIfEmpty(Mono.error(() -> ProviderException.invalidResponse(provider.name(),
								"completed without a response")))))
			.switchIfEmpty(Mono.error(() -> new IllegalStateException(
					"Attempt middleware of chain '" + name() + "' completed without a request")))
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
			.transform((attemptCall) -> observeAttempt(run, provider, attempt, attemptRequest, state, attemptCall))
			.map((response) -> served(run, provider, attempt, model, start, response, state));
		Mono<ChainResponse> guarded = attempt.lastResort ? this.breakers.protectLastResort(provider.name(), call)
				: this.breakers.protect(provider.name(), call);
		if (!attempt.lastResort && this.guards.settings(provider.name()).cancelWaitingCalls()) {
			// A last resort goes to a provider whose breaker is already open: there is no
			// opening to wait for.
			Mono<ChainResponse> opening = this.breakers.nextOpening(provider.name())
				// Off the thread that opened the breaker, an event loop in the middle of
				// another call's outcome: every waiting request moves on at once, and
				// their next calls must not start inside it.
				.publishOn(Schedulers.parallel())
				.then(Mono.defer(() -> state.giveUp() ? Mono.error(BreakerOpened.INSTANCE) : Mono.never()));
			guarded = Mono.firstWithSignal(opening, guarded);
		}
		return guarded.doOnCancel(() -> {
			// Cancelled from downstream: another line of a hedged request answered, or
			// the caller gave up.
			AttemptOutcome why = run.raceDecided ? AttemptOutcome.HEDGE_LOST : AttemptOutcome.CANCELLED;
			if (state.giveUp()) {
				if (state.wasSent()) {
					run.addOnce(state, givenUp(provider, attempt, model, start, attemptRequest, why));
				}
			}
			else if (state.answer() != null) {
				// The answer came, and the cancel overtook it before it was recorded:
				// billed all the same.
				TokenUsage usage = state.answer().usage();
				run.addOnce(state,
						new AttemptRecord(provider.name(), attempt.index, model, why, null, 200, elapsedSince(start),
								null, usage, cost(provider, usage), ContractCheck.UNCHECKED, attempt.lastResort,
								attempt.retry, attempt.hedge));
			}
			releaseUnsent(run, state);
		}).onErrorResume((ex) -> {
			releaseUnsent(run, state);
			if (ex instanceof CallNotPermittedException) {
				shortCircuited(run, provider, attempt.index, model, attempt.lastResort);
				return next.get();
			}
			if (ex instanceof AttemptRefusedException refused) {
				AttemptRecord skipped = AttemptRecord.skipped(provider.name(), attempt.index, model,
						refused.getOutcome(), attempt.lastResort);
				run.add(skipped);
				run.lastReason = skipped.label();
				return next.get();
			}
			if (ex == BreakerOpened.INSTANCE) {
				// A call given up before it was sent cost nothing: it is one the open
				// breaker kept back.
				run.addOnce(state,
						state.wasSent()
								? givenUp(provider, attempt, model, start, attemptRequest, AttemptOutcome.CANCELLED)
								: AttemptRecord.skipped(provider.name(), attempt.index, model,
										AttemptOutcome.SHORT_CIRCUITED, attempt.lastResort));
				run.lastReason = "breaker-opened";
				return next.get();
			}
			if (!(ex instanceof ProviderException failure)) {
				// Middleware errors end the request as they are.
				return Mono.error(ex);
			}
			ContractCheck check = (failure.getCategory() == FailureCategory.CONTRACT_VIOLATION) ? run.lastContractCheck
					: ContractCheck.UNCHECKED;
			run.add(new AttemptRecord(provider.name(), attempt.index, model, AttemptOutcome.FAILED,
					failure.getCategory(), failure.getHttpStatus(), elapsedSince(start), failure.getRetryAfter(),
					failure.getBilledUsage(), cost(provider, failure.getBilledUsage()), check, attempt.lastResort,
					attempt.retry, attempt.hedge));
			run.lastFailure = failure;
			run.lastReason = failure.getCategory().wireName();
			Duration wait = retryWait(run, provider, attempt, failure);
			if (wait != null) {
				// A breaker that opens during the wait sends the request on at once: the
				// retry would be refused.
				return Mono.delay(wait)
					.thenReturn(true)
					.or(this.breakers.nextOpening(provider.name()).thenReturn(false))
					.flatMap((retry) -> retry ? call(run, request, attempt.retried(), next) : next.get());
			}
			// A contract violation moves on whatever fallback-on says: next-provider is
			// what the contract asked for.
			if (this.settings.fallbackOn().contains(failure.getCategory())
					|| failure.getCategory() == FailureCategory.CONTRACT_VIOLATION) {
				return next.get();
			}
			return Mono.error(new ChainAbortedException(name(), run.operation, run.attempts(), failure));
		});
	}

	/**
	 * Checks the answer against the contract and the requested type, and records it as
	 * served.
	 */
	private ChainResponse served(Run run, LlmProvider provider, Attempt attempt, String model, long start,
			ChatResponse response, CallState state) {
		ContractCheck check = this.settings.outputContract().check(response);
		Object entity = null;
		if (run.mapping != null) {
			ResultMapping.Mapped<?> mapped = run.mapping.map(response.text());
			check = check.and(mapped.check());
			entity = mapped.value();
		}
		run.lastContractCheck = check;
		if (!check.passed()) {
			run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
			boolean nothingToServe = run.mapping != null && entity == null;
			if (nothingToServe || this.settings.outputContract().onViolation() == OnViolation.NEXT_PROVIDER) {
				// Thrown inside the breaker, which counts it only when its settings say
				// so.
				throw ProviderException.contractViolation(provider.name(), check.violations(), response.usage());
			}
		}
		run.addOnce(state,
				new AttemptRecord(provider.name(), attempt.index, model, AttemptOutcome.SUCCESS, null, 200,
						elapsedSince(start), null, response.usage(), cost(provider, response.usage()), check,
						attempt.lastResort, attempt.retry, attempt.hedge));
		return new ChainResponse(response, name(), run.operation, run.attempts(), check.violations(), entity);
	}

	/**
	 * A call given up while the provider worked on it. The provider may bill the prompt
	 * it was sent, so the attempt is priced at the prompt's estimated tokens; output it
	 * never sent is not counted.
	 */
	private AttemptRecord givenUp(LlmProvider provider, Attempt attempt, String model, long start, ChatRequest request,
			AttemptOutcome outcome) {
		TokenUsage mayBeBilled = new TokenUsage(request.estimatedInputTokens(), 0);
		return new AttemptRecord(provider.name(), attempt.index, model, outcome, null, null, elapsedSince(start), null,
				mayBeBilled, cost(provider, mayBeBilled), ContractCheck.UNCHECKED, attempt.lastResort, attempt.retry,
				attempt.hedge);
	}

	/**
	 * A call that never reached the provider gives its place among the request's attempts
	 * back, once.
	 */
	private static void releaseUnsent(Run run, CallState state) {
		if (state.releaseUnsent()) {
			run.releaseCall();
		}
	}

	/**
	 * How long to wait before calling the provider again, or {@code null} to move on now:
	 * retries are off or used up, the failure is not worth retrying, the breaker has
	 * opened, the request has no attempts left, the wait would pass {@code max-backoff}
	 * or the deadline, or the retry budget is spent. The wait is full-jitter exponential,
	 * and never shorter than the provider's {@code retry-after}.
	 */
	private @Nullable Duration retryWait(Run run, LlmProvider provider, Attempt attempt, ProviderException failure) {
		RetrySettings retry = this.guards.retry(provider.name());
		if (attempt.lastResort || attempt.retry >= retry.maxAttempts()
				|| !retry.retryOn().contains(failure.getCategory()) || !this.breakers.isCallPermitted(provider.name())
				|| !run.hasCallsLeft(this.settings.maxAttempts())) {
			return null;
		}
		long initial = retry.initialBackoff().toNanos();
		long max = retry.maxBackoff().toNanos();
		int doublings = Math.min(attempt.retry, 62);
		long ceiling = (initial > (max >> doublings)) ? max : (initial << doublings);
		Duration wait = Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
		// The provider's own retry-after, or a later one another request got since: a
		// retry before either is refused unsent.
		for (Duration notBefore : new Duration[] { failure.getRetryAfter(), this.guards.limitedFor(provider.name()) }) {
			if (notBefore != null && notBefore.compareTo(wait) > 0) {
				wait = notBefore;
			}
		}
		if (wait.compareTo(retry.maxBackoff()) > 0 || wait.toNanos() >= run.deadlineNanos - now()) {
			return null;
		}
		return this.retryBudget.tryAcquire() ? wait : null;
	}

	private Mono<ChatResponse> observeAttempt(Run run, LlmProvider provider, Attempt attempt, ChatRequest request,
			CallState state, Mono<ChatResponse> call) {
		return Mono.defer(() -> {
			AttemptObservation observed = startObservation(run, provider, attempt, request);
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

	private Flux<ChatChunk> observeStreamAttempt(Run run, LlmProvider provider, Attempt attempt, ChatRequest request,
			StreamedAnswer answer, Flux<ChatChunk> chunks) {
		return Flux.defer(() -> {
			AttemptObservation observed = startObservation(run, provider, attempt, request);
			observed.streamed(answer.stats);
			return chunks.doOnComplete(() -> observed.succeeded(answer.response))
				.doOnError(observed::failed)
				.doOnCancel(() -> observed.cancelled(answer.sent ? "cancelled" : null))
				.contextWrite((reactorContext) -> reactorContext.put(ObservationThreadLocalAccessor.KEY,
						observed.observation()));
		});
	}

	private AttemptObservation startObservation(Run run, LlmProvider provider, Attempt attempt, ChatRequest request) {
		return new AttemptObservation(
				new ChainAttemptObservationContext(name(), provider, attempt.index, request, run.lastReason,
						attempt.lastResort, attempt.retry, attempt.hedge, this.extensions.captureContent()),
				this.extensions.attemptConvention(), this.extensions.observations(), run.observation);
	}

	/**
	 * The model an attempt asks for: the request's own, else the provider's configured
	 * one.
	 */
	private static String modelOf(ChatRequest request, LlmProvider provider) {
		return (request.model() != null) ? request.model() : provider.model();
	}

	private boolean costsMoreThanPrimary(LlmProvider provider) {
		return this.pricing.getOrDefault(provider.name(), Pricing.FREE)
			.isDearerThan(this.pricing.getOrDefault(this.providers.get(0).name(), Pricing.FREE));
	}

	private BigDecimal cost(LlmProvider provider, TokenUsage usage) {
		return this.pricing.getOrDefault(provider.name(), Pricing.FREE).cost(usage);
	}

	/**
	 * The primary gets the request as it is. A fallback gets its own configured model (a
	 * model the caller named is the primary's) and the output cap.
	 */
	private ChatRequest requestFor(ChatRequest request, LlmProvider provider, int index) {
		if (index == 0) {
			return request;
		}
		ChatRequest forFallback = request.withModel(null);
		Integer cap = this.settings.fallbackMaxTokens();
		if (cap == null) {
			return forFallback;
		}
		int asked = (request.maxTokens() != null) ? request.maxTokens() : provider.maxTokens();
		return forFallback.withMaxTokens(Math.min(asked, cap));
	}

	/**
	 * The prompt's estimated tokens and the output the request allows, as a
	 * tokens-a-minute limit counts them.
	 */
	private static long estimatedTokens(ChatRequest request, LlmProvider provider) {
		return request.estimatedInputTokens()
				+ ((request.maxTokens() != null) ? request.maxTokens() : provider.maxTokens());
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration elapsedSince(long startNanos) {
		return Duration.ofNanos(Math.max(0, now() - startNanos));
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	/** What one streamed attempt has sent so far; written by one stream, in order. */
	private static final class StreamedAnswer {

		final StreamStats stats;

		/**
		 * The text of another provider's interrupted answer that this stream continues;
		 * empty otherwise.
		 */
		final String prefix;

		private final StringBuilder text = new StringBuilder();

		private @Nullable String finishReason;

		private @Nullable TokenUsage usage;

		private @Nullable String model;

		/** The whole answer, once the stream has completed. */
		@Nullable ChatResponse response;

		/**
		 * How the whole answer fared against the output contract; unchecked until the
		 * stream completed.
		 */
		ContractCheck check = ContractCheck.UNCHECKED;

		volatile boolean sent;

		/** Whether the provider has sent a chunk, with text or not: it is answering. */
		volatile boolean received;

		/**
		 * Whether a chunk with text has reached the caller: from then on, the chain
		 * cannot fall over.
		 */
		volatile boolean delivered;

		StreamedAnswer(long startNanos, String prefix) {
			this.stats = new StreamStats(startNanos);
			this.prefix = prefix;
		}

		void add(ChatChunk chunk) {
			this.received = true;
			if (chunk.hasText()) {
				// Text only: the role chunk and the synthesized last chunk are no output.
				this.stats.chunkAt(now());
			}
			this.text.append(chunk.text());
			if (chunk.finishReason() != null) {
				this.finishReason = chunk.finishReason();
			}
			if (chunk.usage() != null) {
				this.usage = chunk.usage();
			}
			if (chunk.model() != null) {
				this.model = chunk.model();
			}
		}

		boolean hasText() {
			return this.text.length() > 0;
		}

		/**
		 * The chunk as it joins the text so far: the first text of a continuation loses
		 * its leading whitespace when the interrupted text ended with some, which the
		 * prefill had cut and the model writes again.
		 */
		ChatChunk joined(ChatChunk chunk) {
			if (hasText() || this.prefix.isEmpty()
					|| !Character.isWhitespace(this.prefix.charAt(this.prefix.length() - 1))) {
				return chunk;
			}
			String stripped = chunk.text().stripLeading();
			return (stripped.length() == chunk.text().length()) ? chunk
					: new ChatChunk(stripped, chunk.finishReason(), chunk.usage(), chunk.model());
		}

		/** The whole answer the caller has so far, a continued one's included. */
		String text() {
			return this.prefix + this.text;
		}

		int length() {
			return this.prefix.length() + this.text.length();
		}

		/**
		 * Assembles the whole answer, as a unary call would have returned it, and checks
		 * it against the output contract; once, however often asked.
		 */
		ContractCheck check(LlmProvider provider, String requestedModel, ChatRequest request, Duration latency,
				OutputContract contract) {
			if (this.response == null) {
				this.response = new ChatResponse(text(), this.finishReason, reportedOrEstimated(request),
						provider.name(), (this.model != null) ? this.model : requestedModel, latency);
				this.check = contract.check(this.response);
			}
			return this.check;
		}

		ChatResponse response() {
			ChatResponse complete = this.response;
			if (complete == null) {
				throw new IllegalStateException("The stream has not completed");
			}
			return complete;
		}

		/**
		 * What a failed stream is counted at: the usage it reported; else, once text
		 * came, what its text and prompt are estimated at, since the provider bills the
		 * output it sent; else what the failure says.
		 */
		TokenUsage billed(ChatRequest request, TokenUsage failureBilled) {
			return (this.usage == null && !hasText()) ? failureBilled : reportedOrEstimated(request);
		}

		/**
		 * The usage the provider reported; a provider that reported none is counted at
		 * the request's estimated prompt tokens and one output token per four characters,
		 * and the estimate is flagged.
		 */
		private TokenUsage reportedOrEstimated(ChatRequest request) {
			if (this.usage != null) {
				return this.usage;
			}
			this.stats.usageEstimated();
			return new TokenUsage(request.estimatedInputTokens(), (this.text.length() + 3) / 4);
		}

	}

	/**
	 * A streamed attempt under way: what its record needs should the caller cancel it.
	 */
	private record StreamInFlight(LlmProvider provider, int index, ChatRequest request, StreamedAnswer answer) {

	}

	/** One call of a provider: its place in the chain and how it came to be made. */
	private record Attempt(int index, boolean lastResort, int retry, boolean hedge) {

		Attempt retried() {
			return new Attempt(this.index, this.lastResort, this.retry + 1, this.hedge);
		}

	}

	/**
	 * What one call has come to, moved on by whichever thread gets there first: it is
	 * sent (or given up before it left), then either settles with the provider's outcome
	 * or is given up while it waits, never both.
	 */
	private static final class CallState {

		private static final int PENDING = 0;

		private static final int SENT = 1;

		private static final int SETTLED = 2;

		private static final int GIVEN_UP = 3;

		private final AtomicInteger phase = new AtomicInteger(PENDING);

		private final AtomicBoolean released = new AtomicBoolean();

		/**
		 * Set once the call is sent; a call can be sent only while pending, so it stays
		 * as it is after that.
		 */
		private volatile boolean sent;

		/**
		 * Marks the call sent; {@code false} when it was given up first, and must not be
		 * sent.
		 */
		boolean send() {
			this.sent = this.phase.compareAndSet(PENDING, SENT);
			return this.sent;
		}

		/** The answer the call settled with, or {@code null}. */
		private volatile @Nullable ChatResponse answer;

		/** Whether the call's record was added; each call has one. */
		private final AtomicBoolean recorded = new AtomicBoolean();

		@Nullable ChatResponse answer() {
			return this.answer;
		}

		/** Claims the call's one record. */
		boolean claimRecord() {
			return this.recorded.compareAndSet(false, true);
		}

		/**
		 * Settles the call with its outcome, an answer or {@code null}; {@code false}
		 * when given up first.
		 */
		boolean settle(@Nullable Object outcome) {
			if (outcome instanceof ChatResponse response) {
				// Before the phase moves: a canceller that finds the call settled finds
				// its answer too. Kept on a call given up first, where nothing reads it.
				this.answer = response;
			}
			int current = this.phase.get();
			while (current == PENDING || current == SENT) {
				if (this.phase.compareAndSet(current, SETTLED)) {
					return true;
				}
				current = this.phase.get();
			}
			return current == SETTLED;
		}

		/**
		 * Gives the call up; {@code false} when it had settled first, or was already
		 * given up.
		 */
		boolean giveUp() {
			int current = this.phase.get();
			while (current == PENDING || current == SENT) {
				if (this.phase.compareAndSet(current, GIVEN_UP)) {
					return true;
				}
				current = this.phase.get();
			}
			return false;
		}

		/** Whether the provider was called: the request left, or was about to. */
		boolean wasSent() {
			return this.sent;
		}

		/**
		 * Whether this call may give its place among the request's attempts back: never
		 * sent, and only once.
		 */
		boolean releaseUnsent() {
			return !wasSent() && this.released.compareAndSet(false, true);
		}

	}

	/** Gives up a call whose provider's breaker opened while the call waited. */
	private static final class BreakerOpened extends RuntimeException {

		static final BreakerOpened INSTANCE = new BreakerOpened();

		private BreakerOpened() {
			super("breaker opened while the call waited", null, false, false);
		}

	}

	/**
	 * Ends the primary's line of a hedged request when it falls over, so that the rest of
	 * the chain takes over.
	 */
	private static final class PrimaryFellOver extends RuntimeException {

		static final PrimaryFellOver INSTANCE = new PrimaryFellOver();

		private PrimaryFellOver() {
			super("primary fell over", null, false, false);
		}

	}

	/**
	 * The primary and, from the hedge delay on, the rest of the chain, racing for one
	 * request: the first answer serves and the other line is given up (its call recorded
	 * as {@code hedge-lost}). The rest of the chain starts as a hedge only when the
	 * request has attempts left and the hedge budget allows; it starts at once, as an
	 * ordinary fallover, when the primary falls over first. The request fails when both
	 * lines have; a primary failure that ends the request (not in {@code fallback-on})
	 * ends it at once. Every transition holds the race's lock; a line may call back into
	 * it while it is being subscribed.
	 */
	private final class HedgeRace {

		private final Run run;

		private final ChatRequest request;

		private final MonoSink<ChainResponse> sink;

		/** The hedge timer and the lines; disposing one that has ended does nothing. */
		private final Disposable.Composite subscriptions = Disposables.composite();

		private @Nullable Disposable timer;

		private boolean restStarted;

		private boolean primaryFellOver;

		private @Nullable Throwable restFailure;

		private boolean finished;

		HedgeRace(Run run, ChatRequest request, MonoSink<ChainResponse> sink) {
			this.run = run;
			this.request = request;
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
			if (this.finished || this.restStarted || !this.run.hasCallsLeft(settings.maxAttempts())
					|| !hedgeBudget.tryAcquire()) {
				return;
			}
			startRest(true);
		}

		private void startRest(boolean asHedge) {
			this.restStarted = true;
			this.subscriptions.add(attempt(this.run, this.request, 1, asHedge).contextWrite(this.sink.contextView())
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
			this.sink.error((failure instanceof ChainExhaustedException) ? exhausted(this.run) : failure);
		}

		private synchronized void cancel() {
			this.finished = true;
			this.subscriptions.dispose();
		}

	}

	/**
	 * The state of one logical request; each subscription has its own, shared by the
	 * lines of a hedge.
	 */
	private static final class Run {

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
		 * The contract check of the last answer, kept for the attempt record when it
		 * broke the contract.
		 */
		volatile ContractCheck lastContractCheck = ContractCheck.UNCHECKED;

		/**
		 * Why the attempt before the current one did not serve: a failure category, or
		 * the skip's label.
		 */
		volatile @Nullable String lastReason;

		/**
		 * A hedged request has its answer or its failure: a line cancelled from now on
		 * lost the race.
		 */
		volatile boolean raceDecided;

		/**
		 * The provider whose answer a hedged request served, once the race is decided.
		 */
		volatile @Nullable String servedBy;

		/**
		 * Some provider was called: a request with a call of its own in flight makes no
		 * last resort.
		 */
		volatile boolean anySent;

		/**
		 * The streamed attempt in flight, to be recorded should the caller cancel the
		 * stream.
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

		Run(String chain, String operation, long startNanos, Duration budget, @Nullable ResultMapping<?> mapping) {
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
		 * Adds the call's record unless it has one: the thread that records an answer and
		 * the one that cancels the call may both try, and the request's attempts are read
		 * under the same lock.
		 */
		synchronized void addOnce(CallState call, AttemptRecord attempt) {
			if (call.claimRecord()) {
				this.attempts.add(attempt);
			}
		}

		/**
		 * The attempts so far. Once a hedged request is served, an answer of the other
		 * line that came in at the same moment reads as {@code hedge-lost}: billed, not
		 * served.
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
		 * Takes a place for one more provider call; {@code false} when the request has
		 * made its last.
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

	}

}
