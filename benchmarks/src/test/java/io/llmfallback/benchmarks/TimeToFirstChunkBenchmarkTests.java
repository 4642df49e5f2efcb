package io.llmfallback.benchmarks;

import java.util.Collection;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.llmfallback.chain.internal.ChainStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls each benchmark method outside JMH against stubs that also check headers and body:
 * every caller must send the same streaming request and read the same text, or the
 * comparison is not fair. Then runs the class under JMH for a fraction of a second, to
 * prove the benchmarks and their per-invocation fixture run there.
 */
class TimeToFirstChunkBenchmarkTests {

	private final TimeToFirstChunkBenchmark benchmark = new TimeToFirstChunkBenchmark();

	@BeforeEach
	void setUp() {
		this.benchmark.strictStub = true;
		this.benchmark.setUp();
	}

	@AfterEach
	void tearDown() {
		this.benchmark.tearDown();
	}

	@Test
	void directChainAndFailoverReadTheSameFirstChunk() {
		assertThat(TimeToFirstChunkBenchmark.FIRST_TEXT).isEqualTo("The");
		assertThat(firstChunk(this.benchmark::directFirstChunk)).isEqualTo(TimeToFirstChunkBenchmark.FIRST_TEXT);
		assertThat(firstChunk(this.benchmark::chainFirstChunk)).isEqualTo(TimeToFirstChunkBenchmark.FIRST_TEXT);
		assertThat(firstChunk(this.benchmark::failoverFirstChunk)).isEqualTo(TimeToFirstChunkBenchmark.FIRST_TEXT);
	}

	@Test
	void everyWholeStreamReadsTheWholeAnswer() {
		assertThat(this.benchmark.directWholeStream()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.providerWholeStream()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.providerWholeStreamWithDeadlines()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.chainWholeStream()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.statistics.snapshot("bench")).isEqualTo(new ChainStatistics.Snapshot(1, 0, 0));
	}

	@Test
	void everyFailoverRequestTriesTheOverloadedPrimaryFirst() {
		for (int i = 0; i < 5; i++) {
			assertThat(firstChunk(this.benchmark::failoverFirstChunk)).isEqualTo(TimeToFirstChunkBenchmark.FIRST_TEXT);
		}
		// Five fallback activations: past the default breaker's three failures, the
		// primary is still called.
		assertThat(this.benchmark.failoverStatistics.snapshot("bench"))
			.isEqualTo(new ChainStatistics.Snapshot(5, 5, 0));
	}

	@Test
	void runsUnderJmh() throws RunnerException {
		Collection<RunResult> results = new Runner(
				new OptionsBuilder().include(Pattern.quote(TimeToFirstChunkBenchmark.class.getName() + "."))
					.forks(0)
					.warmupIterations(0)
					.measurementIterations(1)
					.measurementTime(TimeValue.milliseconds(200))
					.shouldFailOnError(true)
					.verbosity(VerboseMode.SILENT)
					.build())
			.run();
		assertThat(results).extracting((result) -> result.getParams().getBenchmark())
			.map((name) -> name.substring(name.lastIndexOf('.') + 1))
			.containsExactlyInAnyOrder("chainFirstChunk", "chainWholeStream", "directFirstChunk", "directWholeStream",
					"failoverFirstChunk", "providerWholeStream", "providerWholeStreamWithDeadlines");
		assertThat(results).allSatisfy((result) -> assertThat(result.getPrimaryResult().getSampleCount()).isPositive());
	}

	/**
	 * One benchmark invocation as JMH makes it: the timed call, then the stream read to
	 * its end.
	 */
	private static String firstChunk(Function<TimeToFirstChunkBenchmark.InFlight, String> call) {
		TimeToFirstChunkBenchmark.InFlight stream = new TimeToFirstChunkBenchmark.InFlight();
		String text = call.apply(stream);
		stream.readToTheEnd();
		return text;
	}

}
