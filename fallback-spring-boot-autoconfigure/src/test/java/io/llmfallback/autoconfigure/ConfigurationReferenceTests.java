package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.llmfallback.autoconfigure.internal.LlmFallbackKeys;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} lists every key the properties classes bind, each in a
 * table row of its own (key, type, default, description), the keys inside a provider or
 * chain entry written {@code llm.fallback.providers.<name>.timeout}; and it lists no key
 * that does not exist. A key of a module that is not on the class path is left out: the
 * fallback-gate module runs these tests again with its keys.
 */
class ConfigurationReferenceTests {

	private static final Pattern ROW = Pattern
		.compile("^\\| `(llm\\.fallback\\.[^`]+)` \\|[^|]*\\|([^|]*)\\|[^|]*\\|\\s*$", Pattern.MULTILINE);

	private static final Pattern LITERAL = Pattern.compile("`([^`]+)`");

	@Test
	void everyPropertyHasARowInTheReference() throws IOException {
		assertThat(documentedKeys()).containsAll(LlmFallbackKeys.all());
	}

	@Test
	void everyRowInTheReferenceIsAProperty() throws IOException {
		assertThat(LlmFallbackKeys.all()).containsAll(documentedKeys())
			.contains("llm.fallback.providers.<name>.timeout",
					"llm.fallback.chains.<name>.output-contract.json-schema");
	}

	/**
	 * A default the docs write as one literal ({@code `30s`}) is the real one, and
	 * "none", "empty" or "required" means there is none; a default in words ("the list
	 * price of model") is left to the reader.
	 */
	@Test
	void everyDefaultInTheReferenceIsTheRealDefault() throws IOException {
		Set<String> checked = new LinkedHashSet<>();
		documentedDefaults().forEach((key, documented) -> {
			Object actual = PropertyDefaults.of(key);
			Matcher literal = LITERAL.matcher(documented);
			if (documented.equals("none") || documented.startsWith("required")) {
				assertThat(PropertyDefaults.isUnset(actual))
					.as("%s is documented without default but has %s", key, actual)
					.isTrue();
			}
			else if (documented.equals("empty")) {
				assertThat(actual).as(key).isEqualTo("");
			}
			else if (literal.matches() && !literal.group(1).startsWith("llm.")) {
				assertThat(PropertyDefaults.matches(literal.group(1), actual))
					.as("%s: documented %s, real default %s", key, documented, actual)
					.isTrue();
			}
			else {
				return;
			}
			checked.add(key);
		});
		assertThat(checked).contains("llm.fallback.providers.<name>.timeout", "llm.fallback.chains.<name>.fallback-on",
				"llm.fallback.providers.<name>.type");
	}

	private static Set<String> documentedKeys() throws IOException {
		return documentedDefaults().keySet();
	}

	/**
	 * The default column of every row, by key, but for the keys of modules not on the
	 * class path.
	 */
	private static Map<String, String> documentedDefaults() throws IOException {
		Matcher row = ROW.matcher(Files.readString(reference()));
		Map<String, String> defaults = new LinkedHashMap<>();
		while (row.find()) {
			if (!isOfAbsentModule(row.group(1))) {
				defaults.put(row.group(1), row.group(2).trim());
			}
		}
		return defaults;
	}

	/**
	 * Whether the key is accepted yet names no property here: a key of a module not on
	 * the class path.
	 */
	private static boolean isOfAbsentModule(String key) {
		MockEnvironment environment = new MockEnvironment().withProperty(key.replace("<name>", "name"), "1");
		return !LlmFallbackKeys.all().contains(key) && LlmFallbackKeys.unknown(environment).isEmpty();
	}

	/** The reference in the checkout this module is part of. */
	private static Path reference() {
		return docs("configuration.md");
	}

	/** A file under docs/ of the checkout this module is part of. */
	static Path docs(String file) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path doc = dir.resolve("docs").resolve(file);
			if (Files.isRegularFile(doc)) {
				return doc;
			}
		}
		throw new IllegalStateException("No docs/" + file + " above " + Path.of("").toAbsolutePath());
	}

}
