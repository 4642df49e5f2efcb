package io.llmfallback.observe.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainObservationDocumentation;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.DefaultChainAttemptObservationConvention;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.chain.StreamStats;
import io.llmfallback.chain.internal.BreakerTransition;
import io.llmfallback.chain.internal.BreakerTransitionListener;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.internal.LlmProviders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import org.jspecify.annotations.Nullable;

/**
 * Records every logical request and attempt as Micrometer meters: the starter's own
 * ({@code llm.fallback.*}) and the OpenTelemetry GenAI client metrics
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}).
 * Histograms have explicit buckets, so that Prometheus can compute percentiles from a
 * bounded number of series: the GenAI meters those the OpenTelemetry GenAI semantic
 * conventions advise, the request duration its own. They are set on the meters, not
 * through a filter, so that a user's {@code management.metrics.distribution.*} settings
 * still apply over them and leave every other meter alone.
 */
public final class ChainMeters implements ChainListener, BreakerTransitionListener {

	/** Name of the logical-request timer. */
	public static final String REQUEST_DURATION = "llm.fallback.request.duration";

	/**
	 * The OpenTelemetry GenAI conventions' bucket boundaries for
	 * {@code gen_ai.client.operation.duration}.
	 */
	private static final Duration[] OPERATION_DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
			2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

	/**
	 * The OpenTelemetry GenAI conventions' bucket boundaries for
	 * {@code gen_ai.client.operation.time_per_output_chunk}.
	 */
	private static final Duration[] OUTPUT_CHUNK_BUCKETS = seconds(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
			0.5, 0.75, 1.0, 2.5);

	/**
	 * Bucket boundaries of a logical request's duration: finer than the doubling GenAI
	 * buckets where LLM answers fall (0.5 s to a minute), since the fallback-P95 alert
	 * compares two P95s read from them, and past the 60 s default latency budget up to 5
	 * minutes.
	 */
	private static final Duration[] REQUEST_DURATION_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5,
			7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300);

	/**
	 * The OpenTelemetry GenAI conventions' bucket boundaries for
	 * {@code gen_ai.client.token.usage}.
	 */
	private static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
			4194304, 16777216, 67108864 };

	private final MeterRegistry registry;

	private final LlmProviders providers;

	/**
	 * The meters recorded so far, by name and tag values. Building a meter's id (sorting
	 * its tags) and looking it up in the registry on every request cost more than
	 * recording into it; the set of tag values is bounded by the configured chains,
	 * providers, models and outcomes.
	 */
	private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

	public ChainMeters(MeterRegistry registry, LlmProviders providers) {
		this.registry = registry;
		this.providers = providers;
		// Registered at zero, so that Prometheus's increase() sees the first opening of a
		// breaker.
		for (LlmProvider provider : providers.all()) {
			for (CircuitBreaker.StateTransition transition : List.of(CircuitBreaker.StateTransition.CLOSED_TO_OPEN,
					CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN,
					CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED,
					CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN)) {
				transitions(provider.name(), transition.getFromState(), transition.getToState());
			}
		}
	}

	/**
	 * Denies the meters Micrometer's default observation handler would derive from the
	 * chain's observations (timers, long-task timers, event counters): the observations
	 * are for tracing, and those meters would duplicate
	 * {@code llm.fallback.request.duration} and {@code gen_ai.client.operation.duration},
	 * which are recorded here with their own tags.
	 */
	public static MeterFilter observationMetersFilter() {
		String request = ChainObservationDocumentation.REQUEST.getName();
		String attempt = ChainObservationDocumentation.ATTEMPT.getName();
		return MeterFilter.deny(
				(id) -> derivedFromObservation(id.getName(), request) || derivedFromObservation(id.getName(), attempt));
	}

	private static boolean derivedFromObservation(String meter, String observation) {
		return meter.equals(observation) || (meter.startsWith(observation + ".") && !meter.equals(REQUEST_DURATION));
	}

	@Override
	public void onOutcome(ChainOutcome outcome) {
		String path = outcome.path().wireName();
		String servingProvider = (outcome.servingProvider() != null) ? outcome.servingProvider() : "none";
		requests(outcome, requestOutcome(outcome), path, servingProvider).increment();
		timer(REQUEST_DURATION, "Duration of logical requests, every attempt and middleware included",
				REQUEST_DURATION_BUCKETS, "chain", outcome.chain(), "path", path)
			.record(outcome.duration());
		if (outcome.path() != ServedPath.NONE) {
			// Per operation, so that the output length delta can be computed per
			// operation from it.
			summary("llm.fallback.output.length", "Characters of served output", null, "chain", outcome.chain(),
					"operation", outcome.operation(), "provider", servingProvider, "path", path)
				.record(outcome.outputLength());
		}
		outcome.middlewareEvaluations()
			.forEach((stage,
					count) -> counter("llm.fallback.middleware.evaluations",
							"Middleware evaluations, by stage and by the path that served the request", "chain",
							outcome.chain(), "stage", stage.name().toLowerCase(Locale.ROOT), "path", path)
						.increment(count));
		for (AttemptRecord attempt : outcome.attempts()) {
			recordAttempt(outcome.chain(), attempt);
		}
	}

	/**
	 * A stream its caller cancelled: counted as a request that ended {@code cancelled},
	 * its calls as they were.
	 */
	@Override
	public void onCancelled(ChainOutcome cancelled) {
		requests(cancelled, "cancelled", ServedPath.NONE.wireName(), "none").increment();
		for (AttemptRecord attempt : cancelled.attempts()) {
			recordAttempt(cancelled.chain(), attempt);
		}
	}

	private void recordAttempt(String chain, AttemptRecord attempt) {
		String attemptPath = attempt.isFallback() ? "fallback" : "primary";
		counter("llm.fallback.attempts",
				"Provider attempts by outcome: success, the failure category, or why the "
						+ "provider was skipped or given up (short-circuited, cancelled, bulkhead-full, throttled...)",
				"chain", chain, "provider", attempt.provider(), "outcome", attempt.label())
			.increment();
		if (attempt.hedge()) {
			hedges(chain, attempt.provider(), "started").increment();
			// A hedge that answered is the one that served: the other call was given up
			// (hedge-lost).
			if (attempt.outcome() == AttemptOutcome.SUCCESS) {
				hedges(chain, attempt.provider(), "won").increment();
			}
		}
		if (attempt.retry() > 0) {
			counter("llm.fallback.retries", "Retries of a provider call within one request, by how they ended", "chain",
					chain, "provider", attempt.provider(), "outcome", attempt.label())
				.increment();
		}
		if (attempt.lastResort()) {
			// Its own meter: on llm.fallback.attempts it counts as the call it was, so
			// that success and failure rates per provider stay whole.
			counter("llm.fallback.last_resort.attempts",
					"Last-resort attempts of requests that found every provider's breaker open, by outcome", "chain",
					chain, "provider", attempt.provider(), "outcome", attempt.label())
				.increment();
		}
		if (attempt.costUsd().signum() > 0) {
			counter("llm.fallback.cost", "USD billed by providers, failed attempts with reported usage included",
					"chain", chain, "provider", attempt.provider(), "path", attemptPath)
				.increment(attempt.costUsd().doubleValue());
		}
		for (TokenUsage.Count count : attempt.usage().clamped()) {
			counter("llm.fallback.usage.implausible",
					"Answers whose reported token usage was beyond plausible bounds and was priced at the bound",
					"provider", attempt.provider(), "count", count.wireName())
				.increment();
		}
		if (attempt.outcome() != AttemptOutcome.SUCCESS && attempt.outcome() != AttemptOutcome.FAILED) {
			return;
		}
		recordContract(chain, attempt, attemptPath);
		String genAiProvider = DefaultChainAttemptObservationConvention
			.genAiProviderName(this.providers.get(attempt.provider()).type());
		String[] genAiTags = { "gen_ai.operation.name", "chat", "gen_ai.provider.name", genAiProvider,
				"gen_ai.request.model", attempt.model(), "error.type",
				(attempt.category() != null) ? attempt.category().wireName() : "none" };
		timer("gen_ai.client.operation.duration", "GenAI operation duration", OPERATION_DURATION_BUCKETS, genAiTags)
			.record(attempt.duration());
		StreamStats stream = attempt.stream();
		if (stream != null) {
			recordStream(chain, attempt, stream, genAiTags);
		}
		TokenUsage usage = attempt.usage();
		if (usage.totalTokens() > 0) {
			tokens(genAiProvider, attempt.model(), "input").record(usage.inputTokens());
			tokens(genAiProvider, attempt.model(), "output").record(usage.outputTokens());
		}
	}

	private void recordStream(String chain, AttemptRecord attempt, StreamStats stream, String[] genAiTags) {
		Duration firstChunk = stream.timeToFirstChunk();
		if (firstChunk != null) {
			timer("gen_ai.client.operation.time_to_first_chunk", "Time to receive the first chunk of a streamed answer",
					OPERATION_DURATION_BUCKETS, genAiTags)
				.record(firstChunk);
		}
		Timer perChunk = timer("gen_ai.client.operation.time_per_output_chunk",
				"Time between each chunk of a streamed answer after the first and the chunk before it",
				OUTPUT_CHUNK_BUCKETS, genAiTags);
		stream.forEachChunkGap(perChunk::record);
		if (stream.isContinuation()) {
			counter("llm.fallback.stream.continuations",
					"Continuations of streams cut after their first chunk, by how the continuing attempt ended",
					"chain", chain, "provider", attempt.provider(), "outcome", attempt.label())
				.increment();
		}
		if (stream.isUsageEstimated()) {
			counter("llm.fallback.usage.estimated",
					"Streamed attempts whose provider reported no usage, priced at estimated tokens instead", "chain",
					chain, "provider", attempt.provider())
				.increment();
		}
	}

	private Counter requests(ChainOutcome request, String outcome, String path, String provider) {
		return counter("llm.fallback.requests", "Logical requests by how they ended and which path served them",
				"chain", request.chain(), "operation", request.operation(), "outcome", outcome, "path", path,
				"provider", provider);
	}

	private Counter hedges(String chain, String provider, String result) {
		return counter("llm.fallback.hedges",
				"Hedges: calls started while the primary still worked, and those that won", "chain", chain, "provider",
				provider, "result", result);
	}

	private void recordContract(String chain, AttemptRecord attempt, String attemptPath) {
		ContractCheck contract = attempt.contract();
		if (contract == ContractCheck.UNCHECKED) {
			return;
		}
		Boolean compliant = contract.schemaCompliant();
		counter("llm.fallback.contract.checks",
				"Answers checked against the chain's output contract, by result and schema compliance", "chain", chain,
				"provider", attempt.provider(), "path", attemptPath, "result",
				contract.passed() ? "passed" : "violated", "schema",
				(compliant == null) ? "none" : (compliant ? "compliant" : "noncompliant"))
			.increment();
		if (contract.fieldCoverage() != null) {
			summary("llm.fallback.contract.field.coverage",
					"Share of the schema's top-level properties present in an answer (0 to 1)", null, "chain", chain,
					"provider", attempt.provider(), "path", attemptPath)
				.record(contract.fieldCoverage());
		}
	}

	private DistributionSummary tokens(String genAiProvider, String model, String tokenType) {
		return summary("gen_ai.client.token.usage", "Tokens used by GenAI operations", TOKEN_BUCKETS,
				"gen_ai.operation.name", "chat", "gen_ai.provider.name", genAiProvider, "gen_ai.request.model", model,
				"gen_ai.token.type", tokenType);
	}

	private Counter counter(String name, String description, String... tags) {
		return (Counter) this.meters.computeIfAbsent(new MeterKey(name, List.of(tags)),
				(key) -> Counter.builder(name).description(description).tags(tags).register(this.registry));
	}

	/** A latency timer publishing a histogram of the given buckets. */
	private Timer timer(String name, String description, Duration[] buckets, String... tags) {
		return (Timer) this.meters.computeIfAbsent(new MeterKey(name, List.of(tags)),
				(key) -> Timer.builder(name)
					.description(description)
					.tags(tags)
					.serviceLevelObjectives(buckets)
					.register(this.registry));
	}

	private DistributionSummary summary(String name, String description, double @Nullable [] buckets, String... tags) {
		return (DistributionSummary) this.meters.computeIfAbsent(new MeterKey(name, List.of(tags)),
				(key) -> DistributionSummary.builder(name)
					.description(description)
					.tags(tags)
					.serviceLevelObjectives(buckets)
					.register(this.registry));
	}

	@Override
	public void onTransition(BreakerTransition transition) {
		transitions(transition.provider(), transition.from(), transition.to()).increment();
	}

	private Counter transitions(String provider, CircuitBreaker.State from, CircuitBreaker.State to) {
		return counter("llm.fallback.breaker.transitions", "Circuit-breaker state transitions per provider", "provider",
				provider, "from", from.name(), "to", to.name());
	}

	private static String requestOutcome(ChainOutcome outcome) {
		if (outcome.response() != null) {
			return "success";
		}
		if (outcome.failure() instanceof ChainAbortedException) {
			return "aborted";
		}
		return (outcome.failure() instanceof ChainInterruptedException) ? "interrupted" : "exhausted";
	}

	private static Duration[] seconds(double... seconds) {
		return Arrays.stream(seconds)
			.mapToObj((value) -> Duration.ofNanos(Math.round(value * 1e9)))
			.toArray(Duration[]::new);
	}

	/** A meter's name and tag values, in the order they are given. */
	private record MeterKey(String name, List<String> tags) {

	}

}
