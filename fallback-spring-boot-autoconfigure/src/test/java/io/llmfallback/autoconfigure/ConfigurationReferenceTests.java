package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} lists every key the properties classes bind, each in a table row of its
 * own (key, type, default, description), the keys inside a provider or chain entry written
 * {@code llm.fallback.providers.<name>.timeout}; and it lists no key that does not exist.
 */
class ConfigurationReferenceTests {

	private static final Pattern ROW = Pattern.compile("^\\| `(llm\\.fallback\\.[^`]+)` \\|([^|]*\\|){3}\\s*$",
			Pattern.MULTILINE);

	@Test
	void everyPropertyHasARowInTheReference() throws IOException {
		assertThat(documentedKeys()).containsAll(LlmFallbackKeys.all());
	}

	@Test
	void everyRowInTheReferenceIsAProperty() throws IOException {
		assertThat(LlmFallbackKeys.all()).containsAll(documentedKeys())
			.contains("llm.fallback.providers.<name>.timeout", "llm.fallback.chains.<name>.output-contract.json-schema",
					"llm.fallback.gate.tolerances.enforced");
	}

	private static Set<String> documentedKeys() throws IOException {
		Matcher row = ROW.matcher(Files.readString(reference()));
		Set<String> keys = new LinkedHashSet<>();
		while (row.find()) {
			keys.add(row.group(1));
		}
		return keys;
	}

	/** The reference in the checkout this module is part of. */
	private static Path reference() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path reference = dir.resolve("docs/configuration.md");
			if (Files.isRegularFile(reference)) {
				return reference;
			}
		}
		throw new IllegalStateException("No docs/configuration.md above " + Path.of("").toAbsolutePath());
	}

}
