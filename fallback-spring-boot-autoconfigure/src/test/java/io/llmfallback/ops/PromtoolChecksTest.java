package io.llmfallback.ops;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Prometheus's own checks, when {@code promtool} is on the PATH (Debian:
 * {@code apt-get install prometheus}): the rules file parses and its expressions are
 * valid PromQL; the rules' unit tests (synthetic series in, alerts out) pass; every
 * dashboard query (once Grafana's variables are substituted) and every query of the
 * operations guide is valid PromQL. Skipped on a developer machine without promtool; on
 * CI ({@code CI=true}, where {@code .ci/run} installs it) a missing promtool fails.
 */
class PromtoolChecksTest {

	private static final String[] UNIT_TESTS = { "llm-fallback-rules.promtool-test.yml",
			"llm-fallback-cost-rule.promtool-test.yml" };

	@TempDir
	Path dir;

	@Test
	void rulesFilePassesPromtoolCheck() throws Exception {
		Path promtool = promtool();
		assertPromtool(promtool, "check", "rules", OperationsArtifacts.file(OperationsArtifacts.RULES).toString());
	}

	@Test
	void rulesPassTheirPromtoolUnitTests() throws Exception {
		Path promtool = promtool();
		Files.copy(OperationsArtifacts.file(OperationsArtifacts.RULES), this.dir.resolve("llm-fallback-rules.yml"));
		List<String> command = new ArrayList<>(List.of("test", "rules"));
		for (String test : UNIT_TESTS) {
			try (InputStream in = PromtoolChecksTest.class.getResourceAsStream(test)) {
				assertThat(in).as(test).isNotNull();
				Files.copy(in, this.dir.resolve(test), StandardCopyOption.REPLACE_EXISTING);
			}
			command.add(test);
		}
		assertPromtool(promtool, command.toArray(String[]::new));
	}

	@Test
	void dashboardAndGuideQueriesArePromql() throws Exception {
		Path promtool = promtool();
		List<Map<String, Object>> rules = new ArrayList<>();
		int n = 0;
		List<OperationsArtifacts.Query> queries = new ArrayList<>(OperationsArtifacts.dashboardQueries());
		queries.addAll(OperationsArtifacts.guideQueries());
		for (OperationsArtifacts.Query query : queries) {
			Map<String, Object> rule = new LinkedHashMap<>();
			rule.put("record", "dashboard:query_" + (n++));
			rule.put("expr", substituteVariables(query.expr()));
			rules.add(rule);
		}
		for (OperationsArtifacts.LabelValues variable : OperationsArtifacts.templateQueries()) {
			rules.add(Map.of("record", "dashboard:variable_" + variable.variable(), "expr",
					substituteVariables(variable.selector())));
		}
		Path file = this.dir.resolve("dashboard-queries.yml");
		Files.writeString(file,
				new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
		assertPromtool(promtool, "check", "rules", file.toString());
	}

	private static String substituteVariables(String expr) {
		return expr.replace("$__rate_interval", "1m")
			.replace("$__interval", "1m")
			.replace("$__range", "1h")
			.replaceAll("\\$\\{?[a-zA-Z_]\\w*}?", ".*");
	}

	private void assertPromtool(Path promtool, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(promtool.toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(this.dir.toFile()).redirectErrorStream(true).start();
		boolean finished = process.waitFor(120, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(finished).as("promtool finished: %s", output).isTrue();
		assertThat(process.exitValue()).as("%s%n%s", String.join(" ", command), output).isZero();
	}

	private static Path promtool() {
		Optional<Path> found = Optional.ofNullable(System.getenv("PATH"))
			.stream()
			.flatMap((path) -> List.of(path.split(File.pathSeparator)).stream())
			.map((dir) -> Path.of(dir, "promtool"))
			.filter(Files::isExecutable)
			.findFirst();
		if ("true".equals(System.getenv("CI"))) {
			assertThat(found).as("promtool on the PATH (.ci/run installs Debian's prometheus package)").isPresent();
		}
		assumeTrue(found.isPresent(), "promtool is not on the PATH");
		return found.get();
	}

}
