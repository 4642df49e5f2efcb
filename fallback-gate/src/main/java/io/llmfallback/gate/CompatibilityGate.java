package io.llmfallback.gate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.networknt.schema.Schema;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.gate.internal.FallbackJudge;
import io.llmfallback.gate.internal.Figures;
import io.llmfallback.gate.internal.ToolCallCheck;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.window.internal.ValueHistogram;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Replays a prompt corpus through a chain's primary and each of its fallbacks and judges
 * every fallback against the primary: is it semantically safe to serve in the primary's
 * place?
 *
 * <p>
 * Every corpus request goes to every provider, directly (no chain, no breaker, no retry):
 * the primary gets it as written, a fallback as a chain would send it (its own configured
 * model, output tokens capped at the chain's {@code fallback-max-tokens} when there is
 * one). Calls run with bounded concurrency, each under a timeout; a failed or timed-out
 * call is recorded as a failure of that line and the run goes on. An answer is checked
 * against its line's schema, or the chain's contract schema for lines without one; an
 * answer that calls tools is not (its text is not the final answer), but on a line with
 * tools each call's arguments are checked against its tool's parameters schema, and a
 * fallback's calls are compared with the primary's.
 *
 * <pre>
 * GateReport report = CompatibilityGate.builder(gpt)
 *     .fallbacks(List.of(claude, gemini))
 *     .pricing(pricing)
 *     .build()
 *     .runBlocking(GateCorpus.read(Path.of("src/test/resources/corpus.jsonl")));
 * GateAssertions.assertCompatible(report);
 * </pre>
 *
 * A gate is immutable and may run any number of corpora; each run is a new replay.
 */
public final class CompatibilityGate {

	/** Calls in flight at once unless the builder says otherwise. */
	public static final int DEFAULT_CONCURRENCY = 4;

	private static final int MAX_VIOLATIONS_PER_LINE = 5;

	private static final int COST_SCALE = 10;

	private final @Nullable String chain;

	private final LlmProvider primary;

	private final List<LlmProvider> fallbacks;

	private final Map<String, Pricing> pricing;

	private final @Nullable Schema contractSchema;

	private final GateTolerances tolerances;

	private final int concurrency;

	private final @Nullable Duration callTimeout;

	private final @Nullable Integer fallbackMaxTokens;

	private final Clock clock;

	private CompatibilityGate(Builder builder) {
		this.chain = builder.chain;
		this.primary = builder.primary;
		this.fallbacks = List.copyOf(builder.fallbacks);
		this.pricing = Map.copyOf(builder.pricing);
		this.contractSchema = builder.contract.schema();
		this.tolerances = builder.tolerances;
		this.concurrency = builder.concurrency;
		this.callTimeout = builder.callTimeout;
		this.fallbackMaxTokens = builder.fallbackMaxTokens;
		this.clock = builder.clock;
	}

	/**
	 * A gate for this primary; add fallbacks, pricing, a contract and tolerances on the
	 * builder.
	 */
	public static Builder builder(LlmProvider primary) {
		return new Builder(primary);
	}

	/**
	 * A gate for a chain: its first provider as the primary, the others as fallbacks in
	 * order, its output contract's schema for lines without one, its
	 * {@code fallback-max-tokens} cap, and its name on the report. The builder can still
	 * change any of it.
	 * @param pricing prices by provider name; providers without one are reported as not
	 * priced
	 */
	public static Builder forChain(FallbackChain chain, Map<String, Pricing> pricing) {
		List<LlmProvider> providers = chain.providers();
		return new Builder(providers.get(0)).chain(chain.name())
			.fallbacks(providers.subList(1, providers.size()))
			.pricing(pricing)
			.contract(chain.settings().outputContract())
			.fallbackMaxTokens(chain.settings().fallbackMaxTokens());
	}

	public LlmProvider primary() {
		return this.primary;
	}

	public List<LlmProvider> fallbacks() {
		return this.fallbacks;
	}

	public GateTolerances tolerances() {
		return this.tolerances;
	}

	/**
	 * Replays the corpus through every provider and judges the fallbacks. Lazy: each
	 * subscription is a new replay. Completes with a report whatever the providers do;
	 * fails only if the gate itself breaks.
	 */
	public Mono<GateReport> run(GateCorpus corpus) {
		Objects.requireNonNull(corpus, "corpus");
		return Mono.defer(() -> {
			long start = System.nanoTime();
			List<LlmProvider> providers = new ArrayList<>(this.fallbacks.size() + 1);
			providers.add(this.primary);
			providers.addAll(this.fallbacks);
			List<ToolCallCheck> toolChecks = corpus.entries()
				.stream()
				.map((entry) -> ToolCallCheck.of(entry.request().tools()))
				.toList();
			List<Call> calls = new ArrayList<>(providers.size() * corpus.size());
			for (LlmProvider provider : providers) {
				for (int line = 0; line < corpus.size(); line++) {
					calls.add(new Call(provider, provider == this.primary, corpus.entries().get(line),
							toolChecks.get(line)));
				}
			}
			return Flux.fromIterable(calls)
				.flatMapSequential(this::call, this.concurrency)
				.collectList()
				.map((results) -> report(corpus, providers, results, Duration.ofNanos(System.nanoTime() - start)));
		});
	}

	/**
	 * {@link #run} and wait for the report: for tests and command-line runs, not for
	 * event-loop threads. Every call is bounded by its timeout, so this returns.
	 */
	public GateReport runBlocking(GateCorpus corpus) {
		GateReport report = run(corpus).block();
		if (report == null) {
			throw new IllegalStateException("The compatibility gate completed without a report");
		}
		return report;
	}

	private Mono<LineResult> call(Call call) {
		LlmProvider provider = call.provider();
		CorpusEntry entry = call.entry();
		ChatRequest request = call.primary() ? entry.request() : forFallback(entry.request(), provider);
		Duration timeout = (this.callTimeout != null) ? this.callTimeout : provider.timeout();
		Schema schema = (entry.schema() != null) ? entry.schema() : this.contractSchema;
		Pricing price = this.pricing.getOrDefault(provider.name(), Pricing.FREE);
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return Mono.defer(() -> provider.chat(request))
				.switchIfEmpty(Mono
					.error(() -> ProviderException.invalidResponse(provider.name(), "completed without a response")))
				.timeout(timeout, Mono.error(() -> new GateTimeoutException(timeout)))
				.map((response) -> success(call, response, schema, price, elapsedMs(start)))
				.onErrorResume((ex) -> Mono.just(failure(entry, ex, price, elapsedMs(start))));
		});
	}

	private ChatRequest forFallback(ChatRequest request, LlmProvider provider) {
		ChatRequest forFallback = request.withModel(null);
		if (this.fallbackMaxTokens == null) {
			return forFallback;
		}
		int asked = (request.maxTokens() != null) ? request.maxTokens() : provider.maxTokens();
		return forFallback.withMaxTokens(Math.min(asked, this.fallbackMaxTokens));
	}

	private static LineResult success(Call call, ChatResponse response, @Nullable Schema schema, Pricing price,
			double latencyMs) {
		CorpusEntry entry = call.entry();
		String text = response.text();
		Boolean compliant = null;
		Double coverage = null;
		List<String> violations = new ArrayList<>();
		if (schema != null && !response.hasToolCalls()) {
			ContractCheck check = new OutputContract(schema, null, null, false,
					OutputContract.OnViolation.NEXT_PROVIDER)
				.check(response);
			compliant = check.schemaCompliant();
			coverage = check.fieldCoverage();
			check.violations()
				.stream()
				.limit(MAX_VIOLATIONS_PER_LINE)
				.map((violation) -> violation.replaceAll("\\s+", " "))
				.forEach(violations::add);
		}
		List<String> toolCalls = new ArrayList<>(response.toolCalls().size());
		int validToolCalls = 0;
		for (ToolCall toolCall : response.toolCalls()) {
			toolCalls.add(toolCall.name());
			List<String> wrong = call.toolCheck().violations(toolCall, MAX_VIOLATIONS_PER_LINE);
			if (wrong.isEmpty()) {
				validToolCalls++;
			}
			violations.addAll(wrong);
		}
		// The primary's answer is the baseline a fallback's is compared with.
		Boolean agreement = (call.primary() && !entry.request().tools().isEmpty()) ? Boolean.TRUE : null;
		TokenUsage usage = response.usage();
		return new LineResult(entry.id(), entry.line(), true, text.codePointCount(0, text.length()), compliant,
				coverage, latencyMs, usage.inputTokens(), usage.outputTokens(), price.cost(usage).stripTrailingZeros(),
				null, null, violations.subList(0, Math.min(violations.size(), MAX_VIOLATIONS_PER_LINE)), toolCalls,
				validToolCalls, agreement);
	}

	private static LineResult failure(CorpusEntry entry, Throwable ex, Pricing price, double latencyMs) {
		TokenUsage billed = TokenUsage.NONE;
		String category;
		String error;
		if (ex instanceof ProviderException providerException) {
			billed = providerException.getBilledUsage();
			category = providerException.getCategory().wireName();
			error = String.valueOf(providerException.getMessage());
		}
		else if (ex instanceof GateTimeoutException timeout) {
			category = "timeout";
			error = timeout.getMessage();
		}
		else {
			// A provider should fail with ProviderException only; anything else is
			// reported, not rethrown.
			category = "invalid-response";
			error = "unexpected " + ex.getClass().getSimpleName();
		}
		return new LineResult(entry.id(), entry.line(), false, null, null, null, latencyMs, billed.inputTokens(),
				billed.outputTokens(), price.cost(billed).stripTrailingZeros(), category, error, List.of(), List.of(),
				0, null);
	}

	private GateReport report(GateCorpus corpus, List<LlmProvider> providers, List<LineResult> results,
			Duration elapsed) {
		int size = corpus.size();
		List<ProviderStats> stats = new ArrayList<>(providers.size());
		List<LineResult> primaryLines = results.subList(0, size);
		for (int index = 0; index < providers.size(); index++) {
			LlmProvider provider = providers.get(index);
			List<LineResult> lines = results.subList(index * size, (index + 1) * size);
			stats.add(stats(provider, index == 0, (index == 0) ? lines : judgeToolCalls(primaryLines, lines)));
		}
		ProviderStats primaryStats = stats.get(0);
		List<ProviderStats> fallbackStats = stats.subList(1, stats.size());
		FallbackJudge judge = new FallbackJudge(this.tolerances);
		List<FallbackVerdict> verdicts = new ArrayList<>();
		List<String> findings = new ArrayList<>();
		if (primaryStats.successes() == 0) {
			findings.add(primaryStats.provider() + " (primary) answered none of the " + size
					+ " corpus requests: there is no baseline to compare the fallbacks with");
		}
		for (ProviderStats fallback : fallbackStats) {
			FallbackVerdict verdict = judge.judge(primaryStats, fallback);
			verdicts.add(verdict);
			verdict.failures().forEach((failure) -> findings.add(failure.summary()));
		}
		int schemaLines = (int) corpus.entries()
			.stream()
			.filter((entry) -> entry.schema() != null || this.contractSchema != null)
			.count();
		int toolLines = (int) corpus.entries().stream().filter((entry) -> !entry.request().tools().isEmpty()).count();
		Verdict overall = findings.isEmpty() ? Verdict.PASS : Verdict.FAIL;
		return new GateReport(this.chain, Instant.now(this.clock).truncatedTo(ChronoUnit.MILLIS).toString(),
				elapsed.toMillis(), size, schemaLines, toolLines, this.tolerances, overall, findings, primaryStats,
				fallbackStats, verdicts);
	}

	/**
	 * The fallback's lines, each with tools that both answered judged against the
	 * primary's answer: the same tools called, each with valid arguments, or text for
	 * text.
	 */
	private static List<LineResult> judgeToolCalls(List<LineResult> primaryLines, List<LineResult> lines) {
		List<LineResult> judged = new ArrayList<>(lines.size());
		for (int index = 0; index < lines.size(); index++) {
			LineResult line = lines.get(index);
			LineResult primary = primaryLines.get(index);
			if (primary.toolCallAgreement() == null || !line.success()) {
				judged.add(line);
				continue;
			}
			boolean agrees = ToolCallCheck.sameTools(primary.toolCalls(), line.toolCalls())
					&& line.validToolCalls() == line.toolCalls().size();
			judged.add(line.withToolCallAgreement(agrees));
		}
		return judged;
	}

	private ProviderStats stats(LlmProvider provider, boolean primary, List<LineResult> lines) {
		ValueHistogram lengths = new ValueHistogram();
		ValueHistogram latencies = new ValueHistogram();
		Map<String, Integer> failuresByCategory = new LinkedHashMap<>();
		int schemaChecked = 0;
		int schemaCompliant = 0;
		double coverageSum = 0;
		int coverageCount = 0;
		int toolCalls = 0;
		int validToolCalls = 0;
		int toolLinesCompared = 0;
		int toolLinesAgreed = 0;
		long inputTokens = 0;
		long outputTokens = 0;
		BigDecimal totalCost = BigDecimal.ZERO;
		for (LineResult line : lines) {
			inputTokens += line.inputTokens();
			outputTokens += line.outputTokens();
			totalCost = totalCost.add(line.cost());
			if (!line.success()) {
				failuresByCategory.merge(String.valueOf(line.failureCategory()), 1, Integer::sum);
				continue;
			}
			lengths.record(Objects.requireNonNull(line.length()));
			latencies.record(Duration.ofNanos(Math.round(line.latencyMs() * 1_000_000)));
			if (line.schemaCompliant() != null) {
				schemaChecked++;
				if (line.schemaCompliant()) {
					schemaCompliant++;
				}
			}
			if (line.fieldCoverage() != null) {
				coverageSum += line.fieldCoverage();
				coverageCount++;
			}
			toolCalls += line.toolCalls().size();
			validToolCalls += line.validToolCalls();
			if (line.toolCallAgreement() != null) {
				toolLinesCompared++;
				if (line.toolCallAgreement()) {
					toolLinesAgreed++;
				}
			}
		}
		int calls = lines.size();
		int successes = (int) lengths.count();
		int failures = calls - successes;
		boolean priced = this.pricing.containsKey(provider.name());
		BigDecimal costPerRequest = (calls > 0)
				? totalCost.divide(BigDecimal.valueOf(calls), COST_SCALE, RoundingMode.HALF_UP) : BigDecimal.ZERO;
		return new ProviderStats(provider.name(), provider.model(), primary, calls, successes, failures,
				rate(failures, calls), failuresByCategory, Figures.distribution(lengths), schemaChecked,
				schemaCompliant, (schemaChecked > 0) ? rate(schemaCompliant, schemaChecked) : null,
				(coverageCount > 0) ? Figures.round(coverageSum / coverageCount, 6) : null, toolCalls, validToolCalls,
				(toolCalls > 0) ? rate(validToolCalls, toolCalls) : null, toolLinesCompared, toolLinesAgreed,
				(toolLinesCompared > 0) ? rate(toolLinesAgreed, toolLinesCompared) : null,
				Figures.distribution(latencies), inputTokens, outputTokens, priced, totalCost.stripTrailingZeros(),
				costPerRequest.stripTrailingZeros(), lines);
	}

	private static double rate(int part, int whole) {
		return (whole == 0) ? 0 : Figures.round((double) part / whole, 6);
	}

	private static double elapsedMs(long startNanos) {
		return Figures.round((System.nanoTime() - startNanos) / 1_000_000.0, 3);
	}

	private record Call(LlmProvider provider, boolean primary, CorpusEntry entry, ToolCallCheck toolCheck) {
	}

	private static final class GateTimeoutException extends RuntimeException {

		GateTimeoutException(Duration timeout) {
			super("no answer within " + timeout.toMillis() + " ms", null, false, false);
		}

	}

	/** Sets up a {@link CompatibilityGate}. */
	public static final class Builder {

		private final LlmProvider primary;

		private final List<LlmProvider> fallbacks = new ArrayList<>();

		private final Map<String, Pricing> pricing = new LinkedHashMap<>();

		private @Nullable String chain;

		private OutputContract contract = OutputContract.NONE;

		private GateTolerances tolerances = GateTolerances.DEFAULTS;

		private int concurrency = DEFAULT_CONCURRENCY;

		private @Nullable Duration callTimeout;

		private @Nullable Integer fallbackMaxTokens;

		private Clock clock = Clock.systemUTC();

		private Builder(LlmProvider primary) {
			this.primary = Objects.requireNonNull(primary, "primary");
		}

		/** The chain's name, shown on the report. */
		public Builder chain(@Nullable String chain) {
			this.chain = chain;
			return this;
		}

		/** Adds fallbacks, in chain order. */
		public Builder fallback(LlmProvider... fallbacks) {
			return fallbacks(List.of(fallbacks));
		}

		/** Replaces the fallbacks, in chain order. */
		public Builder fallbacks(List<LlmProvider> fallbacks) {
			this.fallbacks.clear();
			this.fallbacks.addAll(fallbacks);
			return this;
		}

		/** Prices by provider name; a provider without one is reported as not priced. */
		public Builder pricing(Map<String, Pricing> pricing) {
			this.pricing.putAll(pricing);
			return this;
		}

		/**
		 * The chain's output contract: its schema applies to corpus lines without one of
		 * their own.
		 */
		public Builder contract(OutputContract contract) {
			this.contract = Objects.requireNonNull(contract, "contract");
			return this;
		}

		public Builder tolerances(GateTolerances tolerances) {
			this.tolerances = Objects.requireNonNull(tolerances, "tolerances");
			return this;
		}

		/**
		 * Calls in flight at once, across providers; 1 replays one call at a time.
		 * Default 4.
		 */
		public Builder concurrency(int concurrency) {
			if (concurrency < 1) {
				throw new IllegalArgumentException("Gate concurrency must be at least 1, was " + concurrency);
			}
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * The timeout of every call, or {@code null} (the default) for each provider's
		 * own timeout.
		 */
		public Builder callTimeout(@Nullable Duration callTimeout) {
			if (callTimeout != null && (callTimeout.isNegative() || callTimeout.isZero())) {
				throw new IllegalArgumentException("Gate call timeout must be positive, was " + callTimeout);
			}
			this.callTimeout = callTimeout;
			return this;
		}

		/**
		 * The cap on output tokens a fallback is called with, as the chain's
		 * {@code fallback-max-tokens}.
		 */
		public Builder fallbackMaxTokens(@Nullable Integer fallbackMaxTokens) {
			if (fallbackMaxTokens != null && fallbackMaxTokens <= 0) {
				throw new IllegalArgumentException("fallbackMaxTokens must be positive, was " + fallbackMaxTokens);
			}
			this.fallbackMaxTokens = fallbackMaxTokens;
			return this;
		}

		/** The clock that stamps the report. */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * The gate.
		 * @throws IllegalArgumentException without a fallback, or when two providers
		 * share a name
		 */
		public CompatibilityGate build() {
			if (this.fallbacks.isEmpty()) {
				throw new IllegalArgumentException(
						"A compatibility gate needs at least one fallback to compare with " + this.primary.name());
			}
			Set<String> names = new HashSet<>();
			names.add(this.primary.name());
			for (LlmProvider fallback : this.fallbacks) {
				if (!names.add(fallback.name())) {
					throw new IllegalArgumentException(
							"Provider '" + fallback.name() + "' appears twice in the compatibility gate");
				}
			}
			return new CompatibilityGate(this);
		}

	}

}
