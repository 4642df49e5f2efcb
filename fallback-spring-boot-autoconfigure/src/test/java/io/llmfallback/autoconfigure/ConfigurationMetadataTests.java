package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import io.llmfallback.autoconfigure.internal.LlmFallbackKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata the build generates: every default it shows is the default the binder
 * starts from, and every property with a default shows it. The annotation processor
 * cannot read a default set in a constructor or taken from another class's constant;
 * {@code additional-spring-configuration-metadata.json} supplies those, and this test
 * catches one that drifts or is missing.
 */
class ConfigurationMetadataTests {

	@Test
	void everyDefaultInTheMetadataIsTheRealDefault() throws IOException {
		List<String> checked = new ArrayList<>();
		for (JsonNode property : metadata().path("properties")) {
			String name = property.path("name").asString();
			if (!name.startsWith("llm.fallback.")) {
				// The endpoint's management.endpoint.llmfallback.* properties are Spring
				// Boot's own.
				continue;
			}
			Object actual = PropertyDefaults.of(name);
			JsonNode documented = property.path("defaultValue");
			if (PropertyDefaults.isUnset(actual)) {
				assertThat(documented.isMissingNode())
					.as("%s has no default but the metadata shows %s", name, documented)
					.isTrue();
				continue;
			}
			assertThat(documented.isMissingNode()).as("%s defaults to %s but the metadata shows none", name, actual)
				.isFalse();
			assertThat(PropertyDefaults.matches(written(documented), actual))
				.as("%s: metadata %s, real default %s", name, documented, actual)
				.isTrue();
			checked.add(name);
		}
		assertThat(checked).contains("llm.fallback.alerts.activation-rate.threshold",
				"llm.fallback.circuit-breaker.failure-threshold");
	}

	@Test
	void everyPropertyHasADescription() throws IOException {
		for (JsonNode property : metadata().path("properties")) {
			assertThat(property.path("description").asString("")).as(property.path("name").asString()).isNotBlank();
		}
	}

	/**
	 * The metadata format cannot name the keys inside a map's entries, so the two maps'
	 * descriptions list them, for IDEs that do not read the entries' type.
	 */
	@Test
	void mapsOfEntriesDescribeEveryKeyAnEntryTakes() throws IOException {
		for (String map : List.of("llm.fallback.providers", "llm.fallback.chains")) {
			String description = property(map).path("description").asString();
			LlmFallbackKeys.all()
				.stream()
				.filter((key) -> key.startsWith(map + ".<name>."))
				.map((key) -> key.substring(map.length() + ".<name>.".length()).split("\\.")[0])
				.forEach((key) -> assertThat(description).as("%s lists %s", map, key)
					.containsPattern("\\b" + key + "\\b"));
		}
	}

	@Test
	void healthIndicatorSwitchIsDescribed() throws IOException {
		JsonNode enabled = property("management.health.llmfallback.enabled");
		assertThat(enabled.path("type").asString()).isEqualTo("java.lang.Boolean");
		assertThat(enabled.path("defaultValue").asBoolean(false)).isTrue();
		assertThat(enabled.path("description").asString("")).contains("llm-fallback health indicator");
	}

	private static JsonNode property(String name) throws IOException {
		for (JsonNode property : metadata().path("properties")) {
			if (property.path("name").asString().equals(name)) {
				return property;
			}
		}
		throw new AssertionError("no " + name + " in the metadata");
	}

	/** The metadata of every module on the class path, their properties in one list. */
	private static JsonNode metadata() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		ObjectNode merged = mapper.createObjectNode();
		ArrayNode properties = merged.putArray("properties");
		Enumeration<URL> files = ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (files.hasMoreElements()) {
			try (InputStream in = files.nextElement().openStream()) {
				JsonNode metadata = mapper.readTree(in);
				if (metadata.path("groups").toString().contains("llm.fallback")) {
					properties.addAll((ArrayNode) metadata.path("properties"));
				}
			}
		}
		assertThat(properties).as("generated configuration metadata").isNotEmpty();
		return merged;
	}

	/** A default as the docs write it: a list's elements separated by commas. */
	private static String written(JsonNode documented) {
		List<String> elements = new ArrayList<>();
		if (documented.isArray()) {
			documented.forEach((element) -> elements.add(element.asString()));
			return String.join(", ", elements);
		}
		return documented.asString();
	}

}
