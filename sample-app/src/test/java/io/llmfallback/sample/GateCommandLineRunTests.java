package io.llmfallback.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's command-line gate run, as a separate process exactly as a CI step runs it:
 * the sample application replays the {@code extract} chain's corpus against its simulated
 * providers, writes the report, and exits with 1 because the terser fallback diverges
 * beyond the default tolerances.
 */
class GateCommandLineRunTests {

	@Test
	void theExtractChainsGateFailsWithTheSimulatorsKnownDivergence(@TempDir Path reports)
			throws IOException, InterruptedException {
		assertThat(runGate(reports, "--llm.fallback.gate.chain=extract")).as("exit code of a failed gate").isEqualTo(1);

		JsonNode report = JsonMapper.builder().build().readTree(reports.resolve("extract-gate.json").toFile());
		assertThat(report.path("verdict").asString()).isEqualTo("fail");
		assertThat(report.path("corpusSize").asInt()).isEqualTo(16);
		JsonNode fallback = report.path("fallbacks").get(0);
		assertThat(fallback.path("provider").asString()).isEqualTo("anthropic-sim");
		// The simulators' rules give these exactly (docs/sample-app.md works them out):
		// 4153 and 3049 characters over 16 answers, which the report rounds to two
		// decimals.
		assertThat(report.path("primary").path("outputLength").path("mean").asDouble()).isEqualTo(259.56);
		assertThat(fallback.path("outputLength").path("mean").asDouble()).isEqualTo(190.56);
		assertThat(fallback.path("schemaCompliance").asDouble()).isEqualTo(0.75);
		assertThat(reports.resolve("extract-gate.md")).content()
			.contains("anthropic-sim: schema compliance -25.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(reports.resolve("extract-gate.html")).exists();
	}

	@Test
	void aMistypedChainExitsWith2AsARunThatCouldNotRunNotAsAFailedGate(@TempDir Path reports)
			throws IOException, InterruptedException {
		assertThat(runGate(reports, "--llm.fallback.gate.chain=extrcat")).isEqualTo(2);
		assertThat(reports.resolve("output.log")).content()
			.contains(
					"llm.fallback.gate.chain: no chain named 'extrcat'; configured chains: [default, gemini, summarize, extract, assistant]");
		assertThat(reports.resolve("extrcat-gate.json")).doesNotExist();
	}

	/**
	 * Runs the sample application as a CI step would, and answers its exit code; output
	 * in output.log.
	 */
	private static int runGate(Path reports, String chainArgument) throws IOException, InterruptedException {
		String java = ProcessHandle.current().info().command().orElse("java");
		Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
				SampleApplication.class.getName(), chainArgument, "--llm.fallback.gate.report-dir=" + reports,
				"--spring.main.web-application-type=none"))
			.redirectErrorStream(true)
			.redirectOutput(reports.resolve("output.log").toFile())
			.start();
		// A guard against a hang only: a run takes seconds.
		assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the gate run ended").isTrue();
		return process.exitValue();
	}

}
