package io.llmfallback.benchmarks.outage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.llmfallback.benchmarks.outage.Answer.Attempt;
import io.llmfallback.benchmarks.outage.Answer.Outcome;
import io.llmfallback.benchmarks.outage.Phase.PrimaryBehaviour;
import io.llmfallback.benchmarks.outage.VariantRun.Ended;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a run measured, per phase and variant, the targets for variant (c), and
 * what the primary's connection pool did; as Markdown, JSON and the latency plot.
 */
final class OutageReport {

	private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")
		.withZone(ZoneOffset.UTC);

	/**
	 * The hang phase's target: at most this share of requests over {@link #HANG_SLOW_MS}.
	 */
	private static final double HANG_SLOW_SHARE = 0.01;

	private static final double HANG_SLOW_MS = 2_000;

	/** The 503 phase's target: at most this many provider calls per logical request. */
	private static final double SERVER_ERROR_CALLS = 1.15;

	private final HarnessOptions options;

	private final PhaseSchedule schedule;

	private final Instant startedAt;

	private final double senderLateP99Ms;

	private final double senderLateMaxMs;

	private final double primaryHealthyP99Ms;

	private final List<Row> rows = new ArrayList<>();

	private final List<Target> targets = new ArrayList<>();

	private final LatencyPlot plot;

	OutageReport(HarnessOptions options, PhaseSchedule schedule, List<VariantRun> runs, Instant startedAt,
			Samples senderLateness) {
		this.options = options;
		this.schedule = schedule;
		this.startedAt = startedAt;
		long[] lateness = senderLateness.sorted();
		this.senderLateP99Ms = ms(Samples.percentile(lateness, 99));
		this.senderLateMaxMs = ms(Samples.percentile(lateness, 100));
		this.primaryHealthyP99Ms = primaryHealthyP99(runs);
		for (int phase = 0; phase < schedule.phases().size(); phase++) {
			for (VariantRun run : runs) {
				this.rows.add(row(phase, run));
			}
		}
		evaluateTargets();
		this.plot = new LatencyPlot(schedule, runs, 2 * this.primaryHealthyP99Ms);
	}

	/**
	 * The primary's p99 as a client sees it when healthy: variant (a)'s successful calls
	 * of the primary in the first healthy phase. Variant (a) is a plain client with a
	 * pool that does not queue, so this is the provider's latency and loopback HTTP,
	 * nothing of any chain.
	 */
	private double primaryHealthyP99(List<VariantRun> runs) {
		int healthy = firstPhase(PrimaryBehaviour.HEALTHY);
		Samples primary = new Samples();
		for (VariantRun run : runs) {
			if (run.settings() == VariantSettings.NAIVE) {
				for (Ended ended : inPhase(run, healthy)) {
					if (ended != null && ended.answer() != null) {
						ended.answer()
							.attempts()
							.stream()
							.filter((attempt) -> attempt.role() == ProviderRole.PRIMARY && attempt.succeeded())
							.forEach((attempt) -> primary.add(attempt.durationNanos()));
					}
				}
			}
		}
		return ms(Samples.percentile(primary.sorted(), 99));
	}

	private Row row(int phase, VariantRun run) {
		long lostAfter = this.options.lostAfter().toNanos();
		double thresholdNanos = 2 * this.primaryHealthyP99Ms * 1_000_000;
		Samples latencies = new Samples();
		Samples fallbackAttempts = new Samples();
		Samples primaryAttempts = new Samples();
		Map<String, Long> attemptOutcomes = new TreeMap<>();
		long requests = 0;
		long lost = 0;
		long errors = 0;
		long failed = 0;
		long byFallback = 0;
		long over = 0;
		long overTwoSeconds = 0;
		long calls = 0;
		double cost = 0;
		for (Ended ended : inPhase(run, phase)) {
			requests++;
			if (ended == null || ended.latencyNanos() > lostAfter) {
				lost++;
				continue;
			}
			latencies.add(ended.latencyNanos());
			over += (ended.latencyNanos() > thresholdNanos) ? 1 : 0;
			overTwoSeconds += (ms(ended.latencyNanos()) > HANG_SLOW_MS) ? 1 : 0;
			Answer answer = ended.answer();
			if (answer == null) {
				errors++;
				continue;
			}
			failed += (answer.outcome() == Outcome.FAILED) ? 1 : 0;
			byFallback += (answer.outcome() == Outcome.FALLBACK) ? 1 : 0;
			calls += answer.calls();
			cost += answer.costUsd();
			for (Attempt attempt : answer.attempts()) {
				attemptOutcomes.merge(attempt.role().providerName() + " " + attempt.label(), 1L, Long::sum);
				if (attempt.succeeded()) {
					(attempt.role() == ProviderRole.PRIMARY ? primaryAttempts : fallbackAttempts)
						.add(attempt.durationNanos());
				}
			}
		}
		long[] sorted = latencies.sorted();
		long[] primarySorted = primaryAttempts.sorted();
		long[] primaryServer = run.primary().answerDelays(phase).sorted();
		long answered = requests - lost - errors;
		return new Row(this.schedule.phases().get(phase).name(), run.settings().key(), requests, lost, errors, failed,
				byFallback, ms(Samples.percentile(sorted, 50)), ms(Samples.percentile(sorted, 95)),
				ms(Samples.percentile(sorted, 99)), ms(Samples.percentile(sorted, 100)), over, overTwoSeconds,
				perRequest(calls, answered), perRequest(cost, answered),
				ms(Samples.percentile(fallbackAttempts.sorted(), 95)), ms(Samples.percentile(primarySorted, 50)),
				ms(Samples.percentile(primarySorted, 99)), ms(Samples.percentile(primaryServer, 50)),
				ms(Samples.percentile(primaryServer, 99)), run.primary().requests(phase),
				run.fallback().requests(phase), run.primary().maxOpenConnections(phase),
				run.fallback().maxOpenConnections(phase), attemptOutcomes);
	}

	private void evaluateTargets() {
		for (Row row : this.rows) {
			if (!row.variant().equals(VariantSettings.DEFAULTS.key())) {
				continue;
			}
			PrimaryBehaviour behaviour = phaseNamed(row.phase()).primary();
			if (behaviour == PrimaryBehaviour.HANG) {
				double share = (row.requests() > 0) ? (double) row.overTwoSeconds() / row.requests() : 0;
				this.targets.add(new Target(row.phase(), "at most 1% of requests over 2 s",
						String.format(Locale.ROOT, "%.2f%%", share * 100), share <= HANG_SLOW_SHARE));
				this.targets.add(new Target(row.phase(), "p95 at most 2 x the fallback's own p95",
						String.format(Locale.ROOT, "p95 %.1f ms, fallback p95 %.1f ms", row.p95Ms(),
								row.fallbackAttemptP95Ms()),
						row.fallbackAttemptP95Ms() > 0 && row.p95Ms() <= 2 * row.fallbackAttemptP95Ms()));
			}
			if (behaviour == PrimaryBehaviour.SERVER_ERROR) {
				this.targets.add(new Target(row.phase(), "at most 1.15 provider calls per request",
						String.format(Locale.ROOT, "%.3f", row.callsPerRequest()),
						row.callsPerRequest() <= SERVER_ERROR_CALLS));
			}
			this.targets.add(new Target(row.phase(), "no request lost", Long.toString(row.lost()), row.lost() == 0));
		}
	}

	List<Row> rows() {
		return this.rows;
	}

	List<Target> targets() {
		return this.targets;
	}

	double primaryHealthyP99Ms() {
		return this.primaryHealthyP99Ms;
	}

	private Phase phaseNamed(String name) {
		return this.schedule.phases().stream().filter((phase) -> phase.name().equals(name)).findFirst().orElseThrow();
	}

	private int firstPhase(PrimaryBehaviour behaviour) {
		for (int i = 0; i < this.schedule.phases().size(); i++) {
			if (this.schedule.phases().get(i).primary() == behaviour) {
				return i;
			}
		}
		throw new IllegalStateException("The schedule has no " + behaviour + " phase");
	}

	/**
	 * How each request that arrived in the phase ended, {@code null} for those that have
	 * not.
	 */
	private List<@Nullable Ended> inPhase(VariantRun run, int phase) {
		long period = 1_000_000_000L / this.options.rate();
		List<@Nullable Ended> ends = new ArrayList<>();
		for (int i = 0; i < run.requests(); i++) {
			if (this.schedule.indexAt(i * period) == phase) {
				ends.add(run.ended(i));
			}
		}
		return ends;
	}

	private static double perRequest(double total, long requests) {
		return (requests > 0) ? total / requests : 0;
	}

	private static double ms(long nanos) {
		return nanos / 1_000_000.0;
	}

	/**
	 * The report as Markdown: the parameters, the table, the targets, the pool and the
	 * attempts.
	 */
	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("## Outage run of ")
			.append(DateTimeFormatter.ISO_INSTANT.format(this.startedAt.truncatedTo(ChronoUnit.SECONDS)))
			.append("\n\n");
		md.append(String.format(Locale.ROOT, "%d requests/s to each variant (open loop), provider timeout %s, "
				+ "429s asking for %d s; phases: %s. Latency runs from when a request was due (the sender was "
				+ "late by %.1f ms at p99, %.1f ms at most); a request that has not ended %d s after it was due "
				+ "is lost.%n%n", this.options.rate(), this.options.providerTimeout().toMillis() + " ms",
				this.options.retryAfter().toSeconds(),
				this.schedule.phases()
					.stream()
					.map((phase) -> phase.name() + " " + phase.length().toMillis() / 1000.0 + " s")
					.collect(Collectors.joining(", ")),
				this.senderLateP99Ms, this.senderLateMaxMs, this.options.lostAfter().toSeconds()));
		for (VariantSettings variant : VariantSettings.values()) {
			md.append("- `").append(variant.key()).append("`: ").append(variant.description()).append("\n");
		}
		md.append(String.format(Locale.ROOT,
				"%n\"Slow\" is over 2 x the primary's healthy p99: 2 x %.1f ms = "
						+ "%.1f ms (variant a's calls of the primary in the healthy phase).%n%n",
				this.primaryHealthyP99Ms, 2 * this.primaryHealthyP99Ms));
		md.append("| phase | variant | requests | p50 ms | p95 ms | p99 ms | max ms | slow | calls/request "
				+ "| cost/request USD | by fallback | failed | lost |\n");
		md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Row row : this.rows) {
			md.append(String.format(Locale.ROOT,
					"| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %d | %.3f | %.6f | %d | %d | %d |%n", row.phase(),
					row.variant(), row.requests(), row.p50Ms(), row.p95Ms(), row.p99Ms(), row.maxMs(),
					row.overThreshold(), row.callsPerRequest(), row.costPerRequestUsd(), row.servedByFallback(),
					row.failed() + row.errors(), row.lost()));
		}
		md.append("\n### Targets for variant (c) `").append(VariantSettings.DEFAULTS.key()).append("`\n\n");
		md.append("| phase | target | measured | result |\n|---|---|---|---|\n");
		for (Target target : this.targets) {
			md.append("| ")
				.append(target.phase())
				.append(" | ")
				.append(target.target())
				.append(" | ")
				.append(target.measured())
				.append(" | ")
				.append(target.pass() ? "PASS" : "**FAIL**")
				.append(" |\n");
		}
		md.append("\n### The primary's calls against its own latency\n\n");
		md.append("Server: the delays the primary's simulator chose; client: the variant's successful calls of "
				+ "the primary as it timed them. The difference is time spent in the client: its connection pool, "
				+ "the event loop, the chain.\n\n");
		md.append("| phase | variant | server p50 / p99 ms | client p50 / p99 ms | calls received by primary "
				+ "/ fallback | most connections open to primary / fallback |\n|---|---|---|---|---|---|\n");
		for (Row row : this.rows) {
			if (row.primaryServerP50Ms() == 0) {
				// The primary answered nothing in this phase: nothing to compare.
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %s | %s | %.1f / %.1f | %.1f / %.1f | %d / %d | %d / %d |%n",
					row.phase(), row.variant(), row.primaryServerP50Ms(), row.primaryServerP99Ms(),
					row.primaryAttemptP50Ms(), row.primaryAttemptP99Ms(), row.primaryServerRequests(),
					row.fallbackServerRequests(), row.primaryMostConnections(), row.fallbackMostConnections()));
		}
		md.append("\n### Attempts by provider and outcome\n\n| phase | variant | attempts |\n|---|---|---|\n");
		for (Row row : this.rows) {
			md.append("| ")
				.append(row.phase())
				.append(" | ")
				.append(row.variant())
				.append(" | ")
				.append(row.attemptOutcomes()
					.entrySet()
					.stream()
					.map((entry) -> entry.getKey() + ": " + entry.getValue())
					.collect(Collectors.joining(", ")))
				.append(" |\n");
		}
		return md.toString();
	}

	/** Everything in the report, for the JSON file. */
	Map<String, Object> toMap() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("startedAt", this.startedAt.toString());
		json.put("rate", this.options.rate());
		json.put("providerTimeoutMs", this.options.providerTimeout().toMillis());
		json.put("retryAfterSeconds", this.options.retryAfter().toSeconds());
		json.put("warmUpMs", this.options.warmUp().toMillis());
		json.put("lostAfterMs", this.options.lostAfter().toMillis());
		json.put("phases",
				this.schedule.phases()
					.stream()
					.map((phase) -> Map.of("name", phase.name(), "primary", phase.primary().name(), "lengthMs",
							phase.length().toMillis()))
					.toList());
		Map<String, String> variants = new LinkedHashMap<>();
		for (VariantSettings variant : VariantSettings.values()) {
			variants.put(variant.key(), variant.description());
		}
		json.put("variants", variants);
		json.put("primaryHealthyP99Ms", this.primaryHealthyP99Ms);
		json.put("slowThresholdMs", 2 * this.primaryHealthyP99Ms);
		json.put("senderLateP99Ms", this.senderLateP99Ms);
		json.put("senderLateMaxMs", this.senderLateMaxMs);
		json.put("rows", this.rows);
		json.put("targets", this.targets);
		return json;
	}

	/**
	 * Writes the JSON and the Markdown into the results directory, named after the run's
	 * start ({@code 2026-12-06-0412-outage.json}), and the plot where the options say.
	 * @return the files written
	 */
	List<Path> write() throws IOException {
		Path directory = this.options.resultsDirectory();
		Files.createDirectories(directory);
		String stem = FILE_STAMP.format(this.startedAt) + "-outage";
		Path json = directory.resolve(stem + ".json");
		JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		Files.writeString(json, mapper.writeValueAsString(toMap()) + "\n");
		Path markdown = directory.resolve(stem + ".md");
		Files.writeString(markdown, markdown());
		Path svg = this.options.svg();
		if (svg.getParent() != null) {
			Files.createDirectories(svg.getParent());
		}
		Files.writeString(svg, this.plot.svg());
		return List.of(json, markdown, svg);
	}

	/**
	 * One phase of one variant. Latencies in milliseconds, of the requests that ended
	 * (answered or failed); attempt figures are of successful calls.
	 *
	 * @param phase the phase the requests arrived in
	 * @param variant the variant's key
	 * @param requests requests that arrived in the phase
	 * @param lost requests that had not ended within {@link HarnessOptions#lostAfter()}
	 * @param errors requests that ended with an error that is not the client's typed
	 * failure
	 * @param failed requests that ended with the client's typed failure: no provider
	 * answered
	 * @param servedByFallback requests the fallback answered
	 * @param p50Ms median latency
	 * @param p95Ms 95th percentile
	 * @param p99Ms 99th percentile
	 * @param maxMs the slowest
	 * @param overThreshold requests slower than twice the primary's healthy p99
	 * @param overTwoSeconds requests slower than 2 s
	 * @param callsPerRequest provider calls per request that ended
	 * @param costPerRequestUsd cost per request that ended, every billed call included
	 * @param fallbackAttemptP95Ms the fallback's own p95: its successful calls as the
	 * client timed them
	 * @param primaryAttemptP50Ms the primary's successful calls as the client timed them,
	 * median
	 * @param primaryAttemptP99Ms and 99th percentile
	 * @param primaryServerP50Ms the delays the primary's simulator chose for its answers,
	 * median
	 * @param primaryServerP99Ms and 99th percentile
	 * @param primaryServerRequests requests the primary's simulator received in the phase
	 * @param fallbackServerRequests requests the fallback's simulator received
	 * @param primaryMostConnections most connections open to the primary's simulator at
	 * once
	 * @param fallbackMostConnections most connections open to the fallback's simulator at
	 * once
	 * @param attemptOutcomes attempts by provider and outcome, e.g.
	 * {@code primary timeout}
	 */
	record Row(String phase, String variant, long requests, long lost, long errors, long failed, long servedByFallback,
			double p50Ms, double p95Ms, double p99Ms, double maxMs, long overThreshold, long overTwoSeconds,
			double callsPerRequest, double costPerRequestUsd, double fallbackAttemptP95Ms, double primaryAttemptP50Ms,
			double primaryAttemptP99Ms, double primaryServerP50Ms, double primaryServerP99Ms,
			long primaryServerRequests, long fallbackServerRequests, int primaryMostConnections,
			int fallbackMostConnections, Map<String, Long> attemptOutcomes) {

	}

	/** One of the targets for variant (c), in one phase. */
	record Target(String phase, String target, String measured, boolean pass) {

	}

}
