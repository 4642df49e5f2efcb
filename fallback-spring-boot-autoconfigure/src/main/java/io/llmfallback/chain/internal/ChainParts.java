package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;

/**
 * What a chain is made of, shared by the steps of its attempts: all of it fixed when the
 * chain is built, or thread-safe of its own (breakers, guards, budgets).
 */
record ChainParts(ChainSettings settings, List<LlmProvider> providers, ProviderCircuitBreakers breakers,
		ProviderGuards guards, Map<String, Pricing> pricing, ChainExtensions extensions, ShareBudget retryBudget,
		ShareBudget hedgeBudget, MiddlewareStages middleware) {

	String name() {
		return this.settings.name();
	}

	LlmProvider provider(int index) {
		return this.providers.get(index);
	}

	BigDecimal cost(LlmProvider provider, TokenUsage usage) {
		return pricing(provider).cost(usage);
	}

	Pricing pricing(LlmProvider provider) {
		return this.pricing.getOrDefault(provider.name(), Pricing.FREE);
	}

	ChainExhaustedException exhausted(RequestRun run) {
		return new ChainExhaustedException(name(), run.operation, run.attempts(), run.lastFailure);
	}

	AttemptObservation startObservation(RequestRun run, LlmProvider provider, Attempt attempt, ChatRequest request) {
		return new AttemptObservation(
				new ChainAttemptObservationContext(name(), provider, attempt.index(), request, run.lastReason,
						attempt.lastResort(), attempt.retry(), attempt.hedge(), this.extensions.captureContent()),
				this.extensions.attemptConvention(), this.extensions.observations(), run.observation);
	}

	/**
	 * A call given up while the provider worked on it. The provider may bill the prompt
	 * it was sent, so the attempt is priced at the prompt's estimated tokens; output it
	 * never sent is not counted.
	 */
	AttemptRecord givenUp(LlmProvider provider, Attempt attempt, String model, long start, ChatRequest request,
			AttemptOutcome outcome) {
		TokenUsage mayBeBilled = new TokenUsage(request.estimatedInputTokens(), 0);
		return new AttemptRecord(provider.name(), attempt.index(), model, outcome, null, null, elapsedSince(start),
				null, mayBeBilled, cost(provider, mayBeBilled), ContractCheck.UNCHECKED, attempt.lastResort(),
				attempt.retry(), attempt.hedge());
	}

	/**
	 * The model an attempt asks for: the request's own, else the provider's configured
	 * one.
	 */
	static String modelOf(ChatRequest request, LlmProvider provider) {
		return (request.model() != null) ? request.model() : provider.model();
	}

	static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	static Duration elapsedSince(long startNanos) {
		return Duration.ofNanos(Math.max(0, ReactorTime.nanos() - startNanos));
	}

}
