package io.llmfallback.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/compatibility-gate.md}: its corpus example parses and its defaults table
 * says what the code does.
 */
class CompatibilityGateGuideTest {

	private static final Pattern DIMENSION_ROW = Pattern.compile(
			"^\\| `([a-z0-9-]+)` \\|[^|]+\\|[^|]+\\| (\\d+)(?:%| pp)[^|]*\\| (enforced|informational) \\|$",
			Pattern.MULTILINE);

	@Test
	void theCorpusExampleParses() {
		String guide = guide();
		String section = guide.substring(guide.indexOf("## The corpus"));
		int start = section.indexOf("```\n") + 4;
		String example = section.substring(start, section.indexOf("```", start));

		GateCorpus corpus = GateCorpus.parse(example);

		assertThat(corpus.entries()).extracting(CorpusEntry::id)
			.containsExactly("refund", "tone", "extract-1", "extract-2");
		assertThat(corpus.entries()).filteredOn((entry) -> entry.schema() != null).hasSize(2);
	}

	@Test
	void theDimensionsTableHasEveryDefault() {
		Map<GateDimension, String> documented = new LinkedHashMap<>();
		Matcher row = DIMENSION_ROW.matcher(guide());
		while (row.find()) {
			documented.put(GateDimension.fromWireName(row.group(1)), row.group(2) + " " + row.group(3));
		}
		Map<GateDimension, String> expected = new LinkedHashMap<>();
		for (GateDimension dimension : GateDimension.values()) {
			GateTolerances defaults = GateTolerances.DEFAULTS;
			expected.put(dimension, Math.round(defaults.tolerance(dimension) * 100) + " "
					+ (defaults.enforces(dimension) ? "enforced" : "informational"));
		}
		assertThat(documented).containsExactlyEntriesOf(expected);
	}

	private static String guide() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.isRegularFile(dir.resolve("docs/compatibility-gate.md"))) {
			dir = dir.getParent();
		}
		assertThat(dir).as("docs/compatibility-gate.md above the working directory").isNotNull();
		try {
			return Files.readString(dir.resolve("docs/compatibility-gate.md"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
