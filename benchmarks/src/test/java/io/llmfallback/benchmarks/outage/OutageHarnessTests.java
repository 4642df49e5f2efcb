package io.llmfallback.benchmarks.outage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole harness once with tiny phases and a low rate, so that the reactor build
 * catches breakage: the report is complete and written, every phase got its requests,
 * none was lost. No timing is asserted.
 */
class OutageHarnessTests {

	@TempDir
	Path directory;

	@Test
	void runsEveryPhaseAgainstEveryVariantAndWritesTheReport() throws Exception {
		Path svg = this.directory.resolve("images").resolve("outage-latency.svg");
		HarnessOptions options = HarnessOptions.parse("--phases=1s,1500ms,1s,1s,1s", "--rate=20", "--timeout=1s",
				"--warmup=500ms", "--results=" + this.directory, "--svg=" + svg);

		List<Path> written = OutageHarness.run(options).write();

		assertThat(written).hasSize(3).allSatisfy((file) -> assertThat(file).isNotEmptyFile());
		assertThat(written.get(0).getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}-\\d{4}-outage\\.json");
		assertThat(written.get(1).getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}-\\d{4}-outage\\.md");
		JsonNode report = JsonMapper.builder().build().readTree(Files.readString(written.get(0)));
		List<String> cells = new ArrayList<>();
		for (JsonNode row : report.path("rows")) {
			cells.add(row.path("phase").asString() + "/" + row.path("variant").asString());
			// 20 requests a second: 20 in each phase of 1 s, 30 in the hang phase of 1.5
			// s.
			assertThat(row.path("requests").asLong()).as(row.toString())
				.isEqualTo(row.path("phase").asString().equals("hang") ? 30 : 20);
			assertThat(row.path("lost").asLong()).as(row.toString()).isZero();
			assertThat(row.path("errors").asLong()).as(row.toString()).isZero();
			assertThat(row.path("p50Ms").asDouble()).as(row.toString()).isPositive();
			assertThat(row.path("callsPerRequest").asDouble()).as(row.toString()).isPositive();
			assertThat(row.path("costPerRequestUsd").asDouble()).as(row.toString()).isPositive();
		}
		List<String> expected = new ArrayList<>();
		for (String phase : List.of("healthy", "hang", "503", "429", "recovery")) {
			for (VariantSettings variant : VariantSettings.values()) {
				expected.add(phase + "/" + variant.key());
			}
		}
		assertThat(cells).isEqualTo(expected);
		assertThat(report.path("primaryHealthyP99Ms").asDouble()).isPositive();
		assertThat(report.path("targets")).extracting((target) -> target.path("target").asString())
			.contains("at most 1% of requests over 2 s", "p95 at most 2 x the fallback's own p95",
					"at most 1.15 provider calls per request", "no request lost");
		String markdown = Files.readString(written.get(1));
		for (VariantSettings variant : VariantSettings.values()) {
			assertThat(markdown).contains("| healthy | " + variant.key() + " | 20 |");
		}
		assertThat(markdown)
			.containsPattern("\\| hang \\| at most 1% of requests over 2 s \\| .* \\| (PASS|\\*\\*FAIL\\*\\*) \\|");
		String plot = Files.readString(svg);
		assertThat(plot).startsWith("<svg").endsWith("</svg>\n");
		// Three lines (p50, p95, max) in each of the four panels.
		assertThat(plot.split("<polyline", -1)).hasSize(1 + 3 * VariantSettings.values().length);
	}

}
