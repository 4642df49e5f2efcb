package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainObservationDocumentation;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainRequestObservationConvention;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.DefaultChainRequestObservationConvention;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.ContextView;

/**
 * The library's {@link FallbackChain}: runs one logical request down an ordered list of
 * providers.
 * <ul>
 * <li>A provider whose breaker is open is skipped at once: no request pays its
 * timeout.</li>
 * <li>A provider whose model lacks what the request needs (tools, images, JSON Schema
 * output, a context window that holds the prompt) is skipped unsent
 * ({@code tools-unsupported}, {@code images-unsupported},
 * {@code json-schema-unsupported}, {@code context-window-exceeded}).</li>
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
 * <p>
 * This class is the entry point and the orchestration of a unary request's attempts
 * ({@link StreamFallover} orchestrates a stream's, {@link HedgeRace} a hedged request's
 * two lines). Each attempt goes through named steps: {@link AttemptPlan} (which provider
 * is tried, and which skipped), {@link ProviderCall} and {@link StreamCall} (the call,
 * its timeout and its errors), {@link ContractGuard} (the output contract) and
 * {@link Routing} (retry, next provider, last resort, or the end). A step takes the
 * {@link Attempt} and returns a value ({@link Routing.Route}, say); what a request
 * accumulates (its attempt records, its calls, why the last attempt did not serve) is
 * held by its own {@link RequestRun}, which the steps are handed explicitly.
 */
public final class DefaultFallbackChain implements FallbackChain {

	private static final Log logger = LogFactory.getLog(DefaultFallbackChain.class);

	private static final ChainRequestObservationConvention DEFAULT_REQUEST_CONVENTION = new DefaultChainRequestObservationConvention();

	/**
	 * Retries a window allows beyond the retry budget's share: one, so that a quiet
	 * chain, whose share rounds to nothing, may still retry, without a provider that
	 * fails every call getting much more than its traffic.
	 */
	private static final int RETRY_RESERVE = 1;

	private final ChainParts parts;

	private final ChainListener listener;

	private final AttemptPlan plan;

	private final ProviderCall calls;

	private final StreamCall streams;

	private final Routing routing;

	private final StreamFallover streamFallover;

	public DefaultFallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			Map<String, Pricing> pricing, ChainListener listener) {
		this(settings, providers, breakers, pricing, listener, ChainExtensions.NONE);
	}

	/**
	 * A chain whose providers have their default guards, of its own: for a chain that
	 * shares no provider.
	 */
	public DefaultFallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			Map<String, Pricing> pricing, ChainListener listener, ChainExtensions extensions) {
		this(settings, providers, breakers, defaultGuards(providers, breakers), pricing, listener, extensions);
	}

	public DefaultFallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			ProviderGuards guards, Map<String, Pricing> pricing, ChainListener listener, ChainExtensions extensions) {
		if (providers.isEmpty()) {
			throw new IllegalArgumentException("Chain '" + settings.name() + "' has no providers");
		}
		this.parts = new ChainParts(settings, List.copyOf(providers), breakers, guards, Map.copyOf(pricing), extensions,
				new ShareBudget(settings.retryBudget(), RETRY_RESERVE), new ShareBudget(settings.hedge().maxShare(), 0),
				new MiddlewareStages(extensions));
		this.listener = listener;
		ContractGuard contract = new ContractGuard(settings.outputContract());
		this.plan = new AttemptPlan(this.parts);
		this.calls = new ProviderCall(this.parts, contract);
		this.streams = new StreamCall(this.parts, contract);
		this.routing = new Routing(this.parts);
		this.streamFallover = new StreamFallover(this.parts, this.plan, this.streams, this.routing);
	}

	private static ProviderGuards defaultGuards(List<LlmProvider> providers, ProviderCircuitBreakers breakers) {
		Map<String, GuardSettings> guards = new LinkedHashMap<>();
		providers.forEach((provider) -> guards.put(provider.name(),
				GuardSettings.defaults(provider.timeout(), BreakerSettings.DEFAULTS)));
		return new ProviderGuards(guards, breakers);
	}

	@Override
	public String name() {
		return this.parts.name();
	}

	@Override
	public ChainSettings settings() {
		return this.parts.settings();
	}

	@Override
	public List<LlmProvider> providers() {
		return this.parts.providers();
	}

	/** The retries the chain may still make, and those it made and was refused. */
	public ShareBudget retryBudget() {
		return this.parts.retryBudget();
	}

	/** The hedges the chain may still start, and those it started and was refused. */
	public ShareBudget hedgeBudget() {
		return this.parts.hedgeBudget();
	}

	@Override
	public Mono<ChainResponse> chat(ChatRequest request) {
		return chat(request, name());
	}

	@Override
	public Mono<ChainResponse> chat(ChatRequest request, String operation) {
		return execute(request, operation, null);
	}

	@Override
	public Mono<ChainResponse> chat(ChatRequest request, String operation, ResultMapping<?> mapping) {
		return execute(request, operation, mapping);
	}

	@Override
	public Flux<ChatChunk> stream(ChatRequest request, String operation) {
		return stream(request, operation, (served) -> {
		});
	}

	@Override
	public Flux<ChatChunk> stream(ChatRequest request, String operation, Consumer<ChainResponse> onServed) {
		return Flux.deferContextual((reactorContext) -> {
			RequestRun run = begin(reactorContext, operation, null);
			AtomicReference<@Nullable ChainResponse> served = new AtomicReference<>();
			Flux<ChatChunk> chunks = prepare(request, run)
				.flatMapMany((prepared) -> this.streamFallover.attempt(run, prepared, 0, served));
			if (this.parts.middleware().rewritesResponses()) {
				// The held answer, rewritten whole: response middleware (a redaction,
				// say) cannot take back text already sent, so the caller gets the
				// rewritten answer as one chunk.
				chunks = chunks.thenMany(
						Mono.defer(() -> this.parts.middleware().onResponse(servedOf(served), run)).map((rewritten) -> {
							served.set(rewritten);
							ChatResponse response = rewritten.response();
							return new ChatChunk(response.text(), response.finishReason(), response.usage(),
									response.model(), response.toolCalls());
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
	 * attempt in flight is recorded as {@code cancelled} with what the provider may bill,
	 * and the listeners are told through {@link ChainListener#onCancelled}, so that the
	 * spend guard and the cost meters count it.
	 */
	private void cancelled(RequestRun run) {
		this.streams.cancelled(run);
		run.observation.stop();
		reportCancelled(run);
	}

	/**
	 * Tells the listeners of a request its caller cancelled, with the calls it made:
	 * those given up were recorded as {@code cancelled}, at what the provider may bill.
	 */
	private void reportCancelled(RequestRun run) {
		ChainOutcome outcome = new ChainOutcome(name(), run.operation, null, null, run.attempts(),
				ChainParts.elapsedSince(run.startNanos), run.middlewareEvaluations);
		try {
			this.listener.onCancelled(outcome);
		}
		catch (RuntimeException ex) {
			logger.warn("A chain listener failed on the cancelled request of chain '" + name() + "'", ex);
		}
	}

	private static ChainResponse servedOf(AtomicReference<@Nullable ChainResponse> served) {
		ChainResponse response = served.get();
		if (response == null) {
			throw new IllegalStateException("The stream completed without a served answer");
		}
		return response;
	}

	private Mono<ChainResponse> execute(ChatRequest request, String operation, @Nullable ResultMapping<?> mapping) {
		return Mono.deferContextual((reactorContext) -> {
			RequestRun run = begin(reactorContext, operation, mapping);
			Observation observation = run.observation;
			return prepare(request, run).flatMap((prepared) -> attempt(run, prepared, 0, false))
				.flatMap((served) -> this.parts.middleware().onResponse(served, run))
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
	private RequestRun begin(ContextView reactorContext, String operation, @Nullable ResultMapping<?> mapping) {
		RequestRun run = new RequestRun(name(), operation, ReactorTime.nanos(), settings().latencyBudget(), mapping);
		retryBudget().recordRequest();
		hedgeBudget().recordRequest();
		ChainExtensions extensions = this.parts.extensions();
		run.observation = ChainObservationDocumentation.REQUEST
			.observation(extensions.requestConvention(), DEFAULT_REQUEST_CONVENTION, () -> run.observationContext,
					extensions.observations())
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
	private Mono<ChatRequest> prepare(ChatRequest request, RequestRun run) {
		return this.parts.middleware().onRequest(request, run).timeout(settings().latencyBudget(), Mono.defer(() -> {
			this.plan.skipForBudget(run, 0);
			return Mono.error(this.parts.exhausted(run));
		}));
	}

	private void finish(RequestRun run, @Nullable ChainResponse response, @Nullable Throwable error) {
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
					ChainParts.elapsedSince(run.startNanos), run.middlewareEvaluations);
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

	/**
	 * Tries the provider at the index and, should it fall over, the ones after it.
	 * @param hedge whether this attempt starts beside a primary that is still working
	 */
	private Mono<ChainResponse> attempt(RequestRun run, ChatRequest request, int index, boolean hedge) {
		if (index == providers().size()) {
			return lastResort(run, request, Set.of());
		}
		AttemptOutcome skipped = this.plan.skip(run, request, index);
		if (skipped == AttemptOutcome.BUDGET_EXHAUSTED) {
			return Mono.error(this.parts.exhausted(run));
		}
		if (skipped != null) {
			return attempt(run, request, index + 1, hedge);
		}
		if (index == 0 && this.plan.hedges()) {
			return hedged(run, request);
		}
		return call(run, request, Attempt.of(index, hedge), () -> attempt(run, request, index + 1, false));
	}

	/**
	 * The primary, and the rest of the chain beside it once the primary has not answered
	 * within the hedge delay and the hedge budget allows it; the first answer serves and
	 * the other line is given up. Without a delay (a percentile of a primary with too
	 * little history) the chain runs in order.
	 */
	private Mono<ChainResponse> hedged(RequestRun run, ChatRequest request) {
		Mono<ChainResponse> primary = call(run, request, Attempt.of(0, false),
				() -> Mono.error(HedgeRace.PrimaryFellOver.INSTANCE));
		Duration delay = this.plan.hedgeDelay();
		if (delay == null) {
			return primary.onErrorResume(HedgeRace.PrimaryFellOver.class::isInstance,
					(fellOver) -> attempt(run, request, 1, false));
		}
		return Mono
			.create((sink) -> new HedgeRace(run, this.parts, (asHedge) -> attempt(run, request, 1, asHedge), sink)
				.start(primary, delay));
	}

	/**
	 * The end of the chain: one last-resort call when {@link Routing#lastResort} finds
	 * one due, else the request is exhausted. A request that another took the candidate's
	 * last-resort slot from in the meantime asks again without that provider, so that one
	 * due elsewhere is still used.
	 * @param rejected the providers whose last-resort slot this request was refused
	 */
	private Mono<ChainResponse> lastResort(RequestRun run, ChatRequest request, Set<String> rejected) {
		Attempt lastResort = this.routing.lastResort(run, rejected);
		if (lastResort == null) {
			return Mono.error(this.parts.exhausted(run));
		}
		Set<String> refused = new HashSet<>(rejected);
		refused.add(this.parts.provider(lastResort.index()).name());
		// Comes back here only when the slot was refused: a provider that answered has
		// been called, and the request ends with its answer.
		return call(run, request, lastResort, () -> lastResort(run, request, refused));
	}

	/**
	 * One attempt through its steps: a place among the request's calls, the call, and
	 * where the request goes when it does not serve: a retry of the same provider after
	 * its wait (a breaker that opens during the wait sends the request on at once: the
	 * retry would be refused), {@code next}, or the end.
	 */
	private Mono<ChainResponse> call(RequestRun run, ChatRequest request, Attempt attempt,
			Supplier<Mono<ChainResponse>> next) {
		LlmProvider provider = this.parts.provider(attempt.index());
		if (!this.plan.takeCall(run, provider, attempt.index(), attempt.lastResort())) {
			return next.get();
		}
		ChatRequest attemptRequest = this.plan.requestFor(request, provider, attempt.index());
		return this.calls.call(run, attempt, attemptRequest, (failed) -> {
			Routing.Route route = this.routing.afterFailure(run, attempt, failed);
			if (route instanceof Routing.Retry retry) {
				return Mono.delay(retry.backoff())
					.thenReturn(true)
					.or(this.parts.breakers().nextOpening(provider.name()).thenReturn(false))
					.flatMap((again) -> again ? call(run, request, attempt.retried(), next) : next.get());
			}
			return (route instanceof Routing.Fail fail) ? Mono.error(fail.error()) : next.get();
		});
	}

}
