package io.llmfallback.chain.internal;

import java.time.Duration;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.chain.ChainObservationDocumentation;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import org.jspecify.annotations.Nullable;

/**
 * The first step of an attempt: whether the provider at an index is tried, and with which
 * request. A provider is skipped when the budget is spent, when its model lacks what the
 * request needs, when a spend limit keeps back a fallback dearer than the primary, or
 * when the request has made its {@code max-attempts}; each skip is recorded on the
 * request. The skips decided by the call itself (an open breaker, a refusal of the
 * provider's guard) are recorded here too, so that every skip reads the same.
 */
final class AttemptPlan {

	private final ChainParts parts;

	AttemptPlan(ChainParts parts) {
		this.parts = parts;
	}

	/**
	 * Why the provider at the index is not tried, recorded, or {@code null} to try it:
	 * the budget is spent ({@code BUDGET_EXHAUSTED}, recorded for every provider from it
	 * on), its model lacks what the request needs ({@link #lacking}), or a spend limit
	 * keeps back a fallback dearer than the primary ({@code SPEND_LIMITED}).
	 */
	@Nullable AttemptOutcome skip(RequestRun run, ChatRequest request, int index) {
		if (run.deadlineNanos - ReactorTime.nanos() <= 0) {
			skipForBudget(run, index);
			return AttemptOutcome.BUDGET_EXHAUSTED;
		}
		LlmProvider provider = this.parts.provider(index);
		AttemptOutcome lacking = lacking(provider.capabilities(), request);
		if (lacking != null) {
			AttemptRecord skipped = AttemptRecord.skipped(provider.name(), index, provider.model(), lacking, false);
			run.add(skipped);
			// The next attempt's span says why this provider did not serve.
			run.lastReason = skipped.label();
			return lacking;
		}
		if (index > 0 && costsMoreThanPrimary(provider) && this.parts.extensions().spendGuard().isLimited(name())) {
			run.add(AttemptRecord.skipped(provider.name(), index, provider.model(), AttemptOutcome.SPEND_LIMITED,
					false));
			return AttemptOutcome.SPEND_LIMITED;
		}
		return null;
	}

	/**
	 * What the request needs that a model with these capabilities lacks, or {@code null}
	 * when it takes the request: tools ({@code TOOLS_UNSUPPORTED}), images
	 * ({@code IMAGES_UNSUPPORTED}), JSON Schema output ({@code JSON_SCHEMA_UNSUPPORTED}),
	 * or a context window that holds the prompt's estimated tokens
	 * ({@code CONTEXT_WINDOW_EXCEEDED}). Images given by URL need a provider that fetches
	 * them. Such a request would come back a bad request, which ends the chain, or worse,
	 * be answered as if the tools or images were not there.
	 */
	static @Nullable AttemptOutcome lacking(ProviderCapabilities capabilities, ChatRequest request) {
		if (!capabilities.tools() && request.usesTools()) {
			return AttemptOutcome.TOOLS_UNSUPPORTED;
		}
		if ((!capabilities.images() && request.hasImages()) || (!capabilities.imageUrls() && request.hasImageUrls())) {
			return AttemptOutcome.IMAGES_UNSUPPORTED;
		}
		if (!capabilities.jsonSchema() && request.needsJsonSchema()) {
			return AttemptOutcome.JSON_SCHEMA_UNSUPPORTED;
		}
		if (capabilities.contextWindow() != null && !capabilities.fits(request.estimatedInputTokens())) {
			return AttemptOutcome.CONTEXT_WINDOW_EXCEEDED;
		}
		return null;
	}

	/**
	 * Takes a place among the request's calls, or records the provider as skipped when
	 * none is left.
	 */
	boolean takeCall(RequestRun run, LlmProvider provider, int index, boolean lastResort) {
		if (run.reserveCall(this.parts.settings().maxAttempts())) {
			return true;
		}
		run.add(AttemptRecord.skipped(provider.name(), index, provider.model(), AttemptOutcome.MAX_ATTEMPTS,
				lastResort));
		return false;
	}

	/** Records the providers from that index on as skipped: the budget is spent. */
	void skipForBudget(RequestRun run, int from) {
		for (int skipped = from; skipped < this.parts.providers().size(); skipped++) {
			LlmProvider provider = this.parts.provider(skipped);
			run.add(AttemptRecord.skipped(provider.name(), skipped, provider.model(), AttemptOutcome.BUDGET_EXHAUSTED,
					false));
		}
	}

	/** Records a provider its open breaker kept from being called. */
	static void shortCircuited(RequestRun run, LlmProvider provider, int index, String model, boolean lastResort) {
		run.add(AttemptRecord.skipped(provider.name(), index, model, AttemptOutcome.SHORT_CIRCUITED, lastResort));
		run.lastReason = "short-circuited";
		// The span event takes the event's contextual name, so it must be the contract
		// name.
		run.observation.event(ChainObservationDocumentation.Events.SHORT_CIRCUIT);
	}

	/** Records a provider its guard refused to call (bulkhead full, throttled). */
	static void refused(RequestRun run, LlmProvider provider, int index, String model, AttemptRefusedException refused,
			boolean lastResort) {
		AttemptRecord skipped = AttemptRecord.skipped(provider.name(), index, model, refused.getOutcome(), lastResort);
		run.add(skipped);
		run.lastReason = skipped.label();
	}

	/**
	 * The index of the first provider from {@code from} on that accepts a prefill, or the
	 * number of providers when none does.
	 */
	int prefillProviderFrom(int from) {
		int index = from;
		while (index < this.parts.providers().size() && !this.parts.provider(index).acceptsPrefill()) {
			index++;
		}
		return index;
	}

	/** Whether the primary races the rest of the chain. */
	boolean hedges() {
		return this.parts.settings().hedge().enabled() && this.parts.providers().size() > 1;
	}

	/**
	 * How long the primary has before the rest of the chain starts beside it, or
	 * {@code null} when a percentile of a primary with too little history leaves the
	 * chain to run in order.
	 */
	@Nullable Duration hedgeDelay() {
		HedgeSettings hedge = this.parts.settings().hedge();
		if (hedge.after() != null) {
			return hedge.after();
		}
		return this.parts.guards()
			.latencyPercentile(this.parts.provider(0).name(), hedge.afterPercentile())
			.orElse(null);
	}

	/**
	 * The primary gets the request as it is. A fallback gets its own configured model (a
	 * model the caller named is the primary's) and the output cap.
	 */
	ChatRequest requestFor(ChatRequest request, LlmProvider provider, int index) {
		if (index == 0) {
			return request;
		}
		ChatRequest forFallback = request.withModel(null);
		Integer cap = this.parts.settings().fallbackMaxTokens();
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
	static long estimatedTokens(ChatRequest request, LlmProvider provider) {
		return request.estimatedInputTokens()
				+ ((request.maxTokens() != null) ? request.maxTokens() : provider.maxTokens());
	}

	private boolean costsMoreThanPrimary(LlmProvider provider) {
		return this.parts.pricing(provider).isDearerThan(this.parts.pricing(this.parts.provider(0)));
	}

	private String name() {
		return this.parts.name();
	}

}
