package io.llmfallback.benchmarks.outage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.llmfallback.benchmarks.outage.Phase.PrimaryBehaviour;

import org.springframework.boot.convert.DurationStyle;

/**
 * What one run does.
 *
 * @param phases the outage schedule
 * @param rate logical requests per second sent to each variant
 * @param providerTimeout every provider call's timeout, the naive client's as the
 * starter's
 * @param retryAfter what the primary's 429s ask for
 * @param warmUp how long healthy traffic runs, unrecorded, before the schedule starts
 * @param resultsDirectory where the JSON and Markdown reports go
 * @param svg where the latency plot goes
 */
record HarnessOptions(List<Phase> phases, int rate, Duration providerTimeout, Duration retryAfter, Duration warmUp,
		Path resultsDirectory, Path svg) {

	static final String USAGE = """
			OutageHarness [--phases=30s,60s,30s,30s,30s] [--rate=100] [--timeout=10s] [--warmup=5s]
			              [--results=benchmarks/results] [--svg=docs/images/outage-latency.svg]
			  --phases   lengths of the five phases: healthy, hang, 503, 429, recovery
			  --rate     requests per second sent to each variant (open loop)
			  --timeout  provider timeout of every variant
			  --warmup   healthy traffic before the phases, not recorded
			  --results  directory of the JSON and Markdown reports
			  --svg      file of the latency plot""";

	private static final Set<String> NAMES = Set.of("--phases", "--rate", "--timeout", "--warmup", "--results",
			"--svg");

	/**
	 * Between a request's arrival and the moment a request that has not ended counts as
	 * lost.
	 */
	static final Duration GRACE = Duration.ofSeconds(5);

	HarnessOptions {
		phases = List.copyOf(phases);
		if (rate < 1) {
			throw new IllegalArgumentException("--rate must be at least 1, was " + rate);
		}
	}

	static HarnessOptions defaults() {
		return of(
				List.of(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30),
						Duration.ofSeconds(30)),
				100, Duration.ofSeconds(10), Duration.ofSeconds(5), Path.of("benchmarks", "results"),
				Path.of("docs", "images", "outage-latency.svg"));
	}

	/**
	 * The five phases of the issue with these lengths, in order: healthy, hang, 503, 429,
	 * recovery.
	 */
	static HarnessOptions of(List<Duration> lengths, int rate, Duration providerTimeout, Duration warmUp,
			Path resultsDirectory, Path svg) {
		if (lengths.size() != 5) {
			throw new IllegalArgumentException(
					"--phases takes five lengths (healthy, hang, 503, 429, recovery), got " + lengths.size());
		}
		return new HarnessOptions(
				List.of(new Phase("healthy", PrimaryBehaviour.HEALTHY, lengths.get(0)),
						new Phase("hang", PrimaryBehaviour.HANG, lengths.get(1)),
						new Phase("503", PrimaryBehaviour.SERVER_ERROR, lengths.get(2)),
						new Phase("429", PrimaryBehaviour.RATE_LIMITED, lengths.get(3)),
						new Phase("recovery", PrimaryBehaviour.HEALTHY, lengths.get(4))),
				rate, providerTimeout, Duration.ofSeconds(2), warmUp, resultsDirectory, svg);
	}

	static HarnessOptions parse(String... args) {
		HarnessOptions defaults = defaults();
		List<Duration> lengths = defaults.phases.stream().map(Phase::length).toList();
		int rate = defaults.rate;
		Duration timeout = defaults.providerTimeout;
		Duration warmUp = defaults.warmUp;
		Path results = defaults.resultsDirectory;
		Path svg = defaults.svg;
		for (String arg : args) {
			int equals = arg.indexOf('=');
			String name = (equals > 0) ? arg.substring(0, equals) : arg;
			String value = (equals > 0) ? arg.substring(equals + 1) : "";
			if (!NAMES.contains(name) || equals < 0) {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'\n" + USAGE);
			}
			try {
				switch (name) {
					case "--phases" -> {
						List<Duration> parsed = new ArrayList<>();
						for (String length : value.split(",")) {
							parsed.add(DurationStyle.detectAndParse(length.trim()));
						}
						lengths = parsed;
					}
					case "--rate" -> rate = Integer.parseInt(value);
					case "--timeout" -> timeout = DurationStyle.detectAndParse(value);
					case "--warmup" -> warmUp = DurationStyle.detectAndParse(value);
					case "--results" -> results = Path.of(value);
					case "--svg" -> svg = Path.of(value);
					default -> throw new IllegalStateException("No case for " + name);
				}
			}
			catch (IllegalArgumentException ex) {
				// A number, duration or path that does not parse: say which argument.
				throw new IllegalArgumentException("Cannot read '" + arg + "': " + ex.getMessage() + "\n" + USAGE, ex);
			}
		}
		return of(lengths, rate, timeout, warmUp, results, svg);
	}

	/**
	 * A chain's latency budget: room for the primary, one retry of it and the fallback,
	 * each up to the timeout.
	 */
	Duration latencyBudget() {
		return this.providerTimeout.multipliedBy(3);
	}

	/** How long after its arrival a request that has not ended counts as lost. */
	Duration lostAfter() {
		return latencyBudget().plus(GRACE);
	}

}
