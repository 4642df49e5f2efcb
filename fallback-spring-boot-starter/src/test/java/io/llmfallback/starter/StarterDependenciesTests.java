package io.llmfallback.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every jar the starter brings into an application is one somebody chose: the runtime
 * class path Maven resolves for the starter (written by the build to
 * {@code target/runtime-dependencies.txt}) must be exactly the one recorded in
 * {@code runtime-artifacts.txt}, and what it adds beyond WebFlux and the actuator stays
 * within the footprint the user guide promises.
 */
class StarterDependenciesTests {

	private static final String BEYOND = "beyond spring-boot-starter-webflux and spring-boot-starter-actuator";

	/** With the starter's own jar, the figure in docs/user-guide.md. */
	private static final int MAX_JARS_ADDED = 12;

	@Test
	void theResolvedRuntimeClassPathIsTheRecordedOne() throws IOException {
		Map<String, List<String>> recorded = recorded();
		TreeSet<String> expected = new TreeSet<>();
		recorded.values().forEach(expected::addAll);
		assertThat(resolved())
			.as("runtime artifacts; update src/test/resources/runtime-artifacts.txt and the "
					+ "user guide's footprint section when a dependency is meant to change")
			.containsExactlyElementsOf(expected);
	}

	@Test
	void whatTheStarterAddsStaysWithinItsFootprint() throws IOException {
		// The starter's own jar is not on its own class path: one more.
		assertThat(recorded().get(BEYOND).size() + 1).isLessThanOrEqualTo(MAX_JARS_ADDED);
	}

	private static TreeSet<String> resolved() throws IOException {
		TreeSet<String> artifacts = new TreeSet<>();
		for (String line : Files.readAllLines(Path.of("target", "runtime-dependencies.txt"))) {
			String[] parts = line.strip().split(":");
			// "group:artifact:type[:classifier]:version:scope -- module ..."; the header
			// and blank lines have fewer.
			if (parts.length >= 5) {
				artifacts.add(parts[0] + ":" + parts[1]);
			}
		}
		return artifacts;
	}

	private static Map<String, List<String>> recorded() throws IOException {
		Map<String, List<String>> sections = new LinkedHashMap<>();
		List<String> current = null;
		for (String line : Files.readAllLines(Path.of("src", "test", "resources", "runtime-artifacts.txt"))) {
			String text = line.strip();
			if (text.startsWith("[") && text.endsWith("]")) {
				current = new ArrayList<>();
				sections.put(text.substring(1, text.length() - 1), current);
			}
			else if (!text.isEmpty() && !text.startsWith("#") && current != null) {
				current.add(text);
			}
		}
		return sections;
	}

}
