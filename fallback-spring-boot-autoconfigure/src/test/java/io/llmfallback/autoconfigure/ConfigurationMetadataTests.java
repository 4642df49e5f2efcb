package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata the build generates: every default it shows is the default the binder starts from, and
 * every property with a default shows it. The annotation processor cannot read a default set in a
 * constructor or taken from another class's constant; {@code additional-spring-configuration-metadata.json}
 * supplies those, and this test catches one that drifts or is missing.
 */
class ConfigurationMetadataTests {

	private static final Map<String, Object> ROOTS = Map.of("llm.fallback", new LlmFallbackProperties(),
			"llm.fallback.gate", new LlmFallbackGateProperties());

	@Test
	void everyDefaultInTheMetadataIsTheRealDefault() throws IOException {
		List<String> checked = new ArrayList<>();
		for (JsonNode property : metadata().path("properties")) {
			String name = property.path("name").asString();
			if (!name.startsWith("llm.fallback.")) {
				// The endpoint's management.endpoint.llmfallback.* properties are Spring Boot's own.
				continue;
			}
			Object actual = defaultOf(name);
			JsonNode documented = property.path("defaultValue");
			if (actual == null || (actual instanceof Map<?, ?> map && map.isEmpty())) {
				assertThat(documented.isMissingNode()).as("%s has no default but the metadata shows %s", name, documented)
					.isTrue();
				continue;
			}
			assertThat(documented.isMissingNode()).as("%s defaults to %s but the metadata shows none", name, actual)
				.isFalse();
			assertThat(matches(documented, actual)).as("%s: metadata %s, real default %s", name, documented, actual)
				.isTrue();
			checked.add(name);
		}
		assertThat(checked).contains("llm.fallback.alerts.activation-rate.threshold",
				"llm.fallback.gate.tolerances.enforced", "llm.fallback.review.window");
	}

	private static JsonNode metadata() throws IOException {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

	/** The value a freshly created properties object holds for the property. */
	private static Object defaultOf(String name) {
		String prefix = ROOTS.keySet()
			.stream()
			.filter((root) -> name.startsWith(root + "."))
			.max((a, b) -> Integer.compare(a.length(), b.length()))
			.orElseThrow();
		String path = camelCase(name.substring(prefix.length() + 1));
		return new BeanWrapperImpl(ROOTS.get(prefix)).getPropertyValue(path);
	}

	private static String camelCase(String kebab) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

	private static boolean matches(JsonNode documented, Object actual) {
		if (actual instanceof Duration duration) {
			return DurationStyle.detectAndParse(documented.asString()).equals(duration);
		}
		if (actual instanceof DataSize size) {
			return DataSize.parse(documented.asString()).equals(size);
		}
		if (actual instanceof Enum<?> constant) {
			return documented.asString().equals(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		}
		if (actual instanceof Collection<?> collection) {
			List<Object> values = new ArrayList<>();
			documented.forEach(values::add);
			return values.size() == collection.size() && collection.stream()
				.allMatch((element) -> values.stream().anyMatch((value) -> matches((JsonNode) value, element)));
		}
		if (actual instanceof Number number) {
			return new BigDecimal(documented.asString()).compareTo(new BigDecimal(number.toString())) == 0;
		}
		return documented.asString().equals(String.valueOf(actual));
	}

}
