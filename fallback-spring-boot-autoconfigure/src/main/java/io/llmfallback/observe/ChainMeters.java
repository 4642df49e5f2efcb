package io.llmfallback.observe;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.BreakerTransition;
import io.llmfallback.chain.BreakerTransitionListener;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainObservations;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.LlmProviders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Records every logical request and attempt as Micrometer meters: the starter's own
 * ({@code llm.fallback.*}) and the OpenTelemetry GenAI client metrics
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}). Latency meters publish
 * histograms so that Prometheus can compute percentiles.
 */
public final class ChainMeters implements ChainListener, BreakerTransitionListener {

	/** Name of the logical-request timer. */
	public static final String REQUEST_DURATION = "llm.fallback.request.duration";

	// Micrometer's default histogram stops at 30 s; LLM calls and chain budgets run longer.
	private static final Duration MAX_EXPECTED_DURATION = Duration.ofMinutes(10);

	/** OpenTelemetry's advised bucket boundaries for token counts. */
	private static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
			4194304, 16777216, 67108864 };

	private final MeterRegistry registry;

	private final LlmProviders providers;

	public ChainMeters(MeterRegistry registry, LlmProviders providers) {
		this.registry = registry;
		this.providers = providers;
		// Registered at zero, so that Prometheus's increase() sees the first opening of a breaker.
		for (LlmProvider provider : providers.all()) {
			for (CircuitBreaker.StateTransition transition : List.of(CircuitBreaker.StateTransition.CLOSED_TO_OPEN,
					CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN, CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED,
					CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN)) {
				transitions(provider.name(), transition.getFromState(), transition.getToState());
			}
		}
	}

	/**
	 * Denies the meters Micrometer's default observation handler would derive from the chain's
	 * observations (timers, long-task timers, event counters): the observations are for tracing, and those
	 * meters would duplicate {@code llm.fallback.request.duration} and {@code gen_ai.client.operation.duration},
	 * which are recorded here with their own tags.
	 */
	public static MeterFilter observationMetersFilter() {
		return MeterFilter.deny((id) -> derivedFromObservation(id.getName(), ChainObservations.REQUEST_OBSERVATION)
				|| derivedFromObservation(id.getName(), ChainObservations.ATTEMPT_OBSERVATION));
	}

	private static boolean derivedFromObservation(String meter, String observation) {
		return meter.equals(observation) || (meter.startsWith(observation + ".") && !meter.equals(REQUEST_DURATION));
	}

	@Override
	public void onOutcome(ChainOutcome outcome) {
		String path = outcome.path().wireName();
		String servingProvider = (outcome.servingProvider() != null) ? outcome.servingProvider() : "none";
		Counter.builder("llm.fallback.requests")
			.description("Logical requests by how they ended and which path served them")
			.tags("chain", outcome.chain(), "operation", outcome.operation(), "outcome", requestOutcome(outcome),
					"path", path, "provider", servingProvider)
			.register(this.registry)
			.increment();
		Timer.builder(REQUEST_DURATION)
			.description("Duration of logical requests, every attempt and middleware included")
			.tags("chain", outcome.chain(), "path", path)
			.publishPercentileHistogram()
			.maximumExpectedValue(MAX_EXPECTED_DURATION)
			.register(this.registry)
			.record(outcome.duration());
		if (outcome.path() != ServedPath.NONE) {
			DistributionSummary.builder("llm.fallback.output.length")
				.description("Characters of served output")
				.tags("chain", outcome.chain(), "provider", servingProvider, "path", path)
				.register(this.registry)
				.record(outcome.outputLength());
		}
		outcome.middlewareEvaluations()
			.forEach((stage, count) -> Counter.builder("llm.fallback.middleware.evaluations")
				.description("Middleware evaluations, by stage and by the path that served the request")
				.tags("chain", outcome.chain(), "stage", stage.name().toLowerCase(Locale.ROOT), "path", path)
				.register(this.registry)
				.increment(count));
		for (AttemptRecord attempt : outcome.attempts()) {
			recordAttempt(outcome.chain(), attempt);
		}
	}

	private void recordAttempt(String chain, AttemptRecord attempt) {
		String attemptPath = attempt.isFallback() ? "fallback" : "primary";
		Counter.builder("llm.fallback.attempts")
			.description("Provider attempts by outcome: success, the failure category, short-circuited, budget-exhausted")
			.tags("chain", chain, "provider", attempt.provider(), "outcome", attempt.label())
			.register(this.registry)
			.increment();
		if (attempt.costUsd().signum() > 0) {
			Counter.builder("llm.fallback.cost")
				.description("USD billed by providers, failed attempts with reported usage included")
				.tags("chain", chain, "provider", attempt.provider(), "path", attemptPath)
				.register(this.registry)
				.increment(attempt.costUsd().doubleValue());
		}
		if (attempt.outcome() != AttemptOutcome.SUCCESS && attempt.outcome() != AttemptOutcome.FAILED) {
			return;
		}
		recordContract(chain, attempt, attemptPath);
		String genAiProvider = ChainObservations.genAiProviderName(this.providers.get(attempt.provider()).type());
		Timer.builder("gen_ai.client.operation.duration")
			.description("GenAI operation duration")
			.tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", genAiProvider, "gen_ai.request.model",
					attempt.model(), "error.type", (attempt.category() != null) ? attempt.category().wireName() : "none")
			.publishPercentileHistogram()
			.maximumExpectedValue(MAX_EXPECTED_DURATION)
			.register(this.registry)
			.record(attempt.duration());
		TokenUsage usage = attempt.usage();
		if (usage.totalTokens() > 0) {
			tokens(genAiProvider, attempt.model(), "input").record(usage.inputTokens());
			tokens(genAiProvider, attempt.model(), "output").record(usage.outputTokens());
		}
	}

	private void recordContract(String chain, AttemptRecord attempt, String attemptPath) {
		ContractCheck contract = attempt.contract();
		if (contract == ContractCheck.UNCHECKED) {
			return;
		}
		Boolean compliant = contract.schemaCompliant();
		Counter.builder("llm.fallback.contract.checks")
			.description("Answers checked against the chain's output contract, by result and schema compliance")
			.tags("chain", chain, "provider", attempt.provider(), "path", attemptPath, "result",
					contract.passed() ? "passed" : "violated", "schema",
					(compliant == null) ? "none" : (compliant ? "compliant" : "noncompliant"))
			.register(this.registry)
			.increment();
		if (contract.fieldCoverage() != null) {
			DistributionSummary.builder("llm.fallback.contract.field.coverage")
				.description("Share of the schema's top-level properties present in an answer (0 to 1)")
				.tags("chain", chain, "provider", attempt.provider(), "path", attemptPath)
				.register(this.registry)
				.record(contract.fieldCoverage());
		}
	}

	private DistributionSummary tokens(String genAiProvider, String model, String tokenType) {
		return DistributionSummary.builder("gen_ai.client.token.usage")
			.description("Tokens used by GenAI operations")
			.tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", genAiProvider, "gen_ai.request.model", model,
					"gen_ai.token.type", tokenType)
			.serviceLevelObjectives(TOKEN_BUCKETS)
			.register(this.registry);
	}

	@Override
	public void onTransition(BreakerTransition transition) {
		transitions(transition.provider(), transition.from(), transition.to()).increment();
	}

	private Counter transitions(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
		return Counter.builder("llm.fallback.breaker.transitions")
			.description("Circuit-breaker state transitions per provider")
			.tags("provider", provider, "from", from.name(), "to", to.name())
			.register(this.registry);
	}

	private static String requestOutcome(ChainOutcome outcome) {
		if (outcome.response() != null) {
			return "success";
		}
		return (outcome.failure() instanceof ChainAbortedException) ? "aborted" : "exhausted";
	}

}
