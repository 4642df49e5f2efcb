package io.llmfallback.chain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one logical request down an ordered list of providers.
 * <ul>
 * <li>A provider whose breaker is open is skipped at once: no request pays its timeout.</li>
 * <li>Each attempt's timeout is the smaller of the provider's timeout and what is left of the chain's
 * latency budget, so the chain never runs past its deadline however many providers it has.</li>
 * <li>A non-primary attempt has its output tokens capped at {@code fallback-max-tokens} and uses its own
 * configured model.</li>
 * <li>A failure in {@code fallback-on} moves on; any other ends the request with
 * {@link ChainAbortedException}; running out of providers or budget ends it with
 * {@link ChainExhaustedException}.</li>
 * </ul>
 * Time is read from Reactor's parallel scheduler, the one {@link Mono#timeout(Duration)} uses, so that
 * virtual-time tests drive deadlines and timeouts alike.
 */
public final class FallbackChain {

	private final ChainSettings settings;

	private final List<LlmProvider> providers;

	private final ProviderCircuitBreakers breakers;

	private final Map<String, Pricing> pricing;

	private final ChainListener listener;

	public FallbackChain(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
			Map<String, Pricing> pricing, ChainListener listener) {
		if (providers.isEmpty()) {
			throw new IllegalArgumentException("Chain '" + settings.name() + "' has no providers");
		}
		this.settings = settings;
		this.providers = List.copyOf(providers);
		this.breakers = breakers;
		this.pricing = Map.copyOf(pricing);
		this.listener = listener;
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

	/** Sends the request with the chain's name as the operation. */
	public Mono<ChainResponse> chat(ChatRequest request) {
		return chat(request, this.settings.name());
	}

	/**
	 * Sends the request down the chain. The result is lazy; each subscription is a new logical request
	 * with its own deadline.
	 */
	public Mono<ChainResponse> chat(ChatRequest request, String operation) {
		return Mono.defer(() -> {
			Run run = new Run(request, operation, now() + this.settings.latencyBudget().toNanos());
			return attempt(run, 0);
		}).doOnNext(this.listener::onSuccess).doOnError(ChainFailureException.class, this.listener::onFailure);
	}

	private Mono<ChainResponse> attempt(Run run, int index) {
		if (index == this.providers.size()) {
			return Mono.error(new ChainExhaustedException(name(), run.operation, run.attempts, run.lastFailure));
		}
		LlmProvider provider = this.providers.get(index);
		long start = now();
		long remaining = run.deadlineNanos - start;
		if (remaining <= 0) {
			for (int skipped = index; skipped < this.providers.size(); skipped++) {
				run.attempts.add(AttemptRecord.skipped(this.providers.get(skipped).name(), skipped,
						AttemptOutcome.BUDGET_EXHAUSTED));
			}
			return attempt(run, this.providers.size());
		}
		Duration timeout = min(provider.timeout(), Duration.ofNanos(remaining));
		ChatRequest request = requestFor(run.request, provider, index);
		// Deferred so that a provider throwing instead of signalling still ends as a typed attempt failure.
		Mono<ChainResponse> call = Mono.defer(() -> provider.chat(request))
			.switchIfEmpty(Mono.error(() -> ProviderException.invalidResponse(provider.name(), "completed without a response")))
			.timeout(timeout, Mono.error(() -> new ProviderException(provider.name(), FailureCategory.TIMEOUT, null,
					null, "no answer within " + timeout.toMillis() + " ms", null)))
			.map((response) -> {
				run.attempts.add(AttemptRecord.success(provider.name(), index, elapsedSince(start)));
				return new ChainResponse(response, name(), run.operation, run.attempts,
						this.pricing.getOrDefault(provider.name(), Pricing.FREE).cost(response.usage()));
			});
		return this.breakers.protect(provider.name(), call).onErrorResume((ex) -> {
			if (ex instanceof CallNotPermittedException) {
				run.attempts.add(AttemptRecord.skipped(provider.name(), index, AttemptOutcome.SHORT_CIRCUITED));
				return attempt(run, index + 1);
			}
			ProviderException failure = (ex instanceof ProviderException providerFailure) ? providerFailure
					: new ProviderException(provider.name(), FailureCategory.INVALID_RESPONSE, null, null,
							"unexpected " + ex.getClass().getSimpleName(), ex);
			run.attempts.add(AttemptRecord.failed(index, failure, elapsedSince(start)));
			run.lastFailure = failure;
			if (this.settings.fallbackOn().contains(failure.getCategory())) {
				return attempt(run, index + 1);
			}
			return Mono.error(new ChainAbortedException(name(), run.operation, run.attempts, failure));
		});
	}

	/**
	 * The primary gets the request as it is. A fallback gets its own configured model (a model the caller
	 * named is the primary's) and the output cap.
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

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration elapsedSince(long startNanos) {
		return Duration.ofNanos(Math.max(0, now() - startNanos));
	}

	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	/** The state of one logical request; each subscription has its own. */
	private static final class Run {

		final ChatRequest request;

		final String operation;

		final long deadlineNanos;

		final List<AttemptRecord> attempts = new ArrayList<>();

		@Nullable ProviderException lastFailure;

		Run(ChatRequest request, String operation, long deadlineNanos) {
			this.request = request;
			this.operation = operation;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
