package io.llmfallback.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.llmfallback.autoconfigure.internal.LlmFallbackPropertiesExtension;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.unit.DataSize;

/**
 * The default a key starts from, read from a freshly created properties object, and
 * whether a default written in the metadata or the docs says the same.
 */
final class PropertyDefaults {

	/**
	 * Where a key's value lives, by key prefix, the modules' properties
	 * ({@link LlmFallbackPropertiesExtension}) included; a key inside a provider or chain
	 * entry starts from a fresh entry.
	 */
	private static final List<Root> ROOTS = roots();

	private PropertyDefaults() {
	}

	/**
	 * The value a fresh properties object holds for the key, e.g.
	 * {@code llm.fallback.providers.<name>.timeout}.
	 */
	static @Nullable Object of(String key) {
		// Longest prefix first; a chain entry's key may be bound by the runtime's chain
		// or by a module's.
		for (Root root : ROOTS.stream()
			.sorted(Comparator.comparingInt((Root root) -> -root.prefix().length()))
			.toList()) {
			if (key.startsWith(root.prefix() + ".")) {
				BeanWrapperImpl bean = new BeanWrapperImpl(root.type().get());
				String path = camelCase(key.substring(root.prefix().length() + 1));
				if (bean.isReadableProperty(path)) {
					return bean.getPropertyValue(path);
				}
			}
		}
		throw new IllegalArgumentException("No properties class binds " + key);
	}

	private static List<Root> roots() {
		List<Root> roots = new ArrayList<>(List.of(new Root("llm.fallback", LlmFallbackProperties::new),
				new Root("llm.fallback.openai-api", LlmFallbackOpenAiApiProperties::new),
				new Root("llm.fallback.providers.<name>", LlmFallbackProperties.Provider::new),
				new Root("llm.fallback.chains.<name>", LlmFallbackProperties.Chain::new)));
		for (LlmFallbackPropertiesExtension extension : SpringFactoriesLoader
			.loadFactories(LlmFallbackPropertiesExtension.class, PropertyDefaults.class.getClassLoader())) {
			extension.properties()
				.forEach((key, type) -> roots
					.add(new Root("llm.fallback." + key, () -> BeanUtils.instantiateClass(type))));
			Class<?> chain = extension.chainProperties();
			if (chain != null) {
				roots.add(new Root("llm.fallback.chains.<name>", () -> BeanUtils.instantiateClass(chain)));
			}
		}
		return roots;
	}

	private record Root(String prefix, Supplier<Object> type) {

	}

	/**
	 * Whether a written default ({@code 30s}, {@code 0.20}, {@code next-provider},
	 * {@code a, b}) is the value.
	 */
	static boolean matches(String written, Object actual) {
		if (actual instanceof Duration duration) {
			return DurationStyle.detectAndParse(written).equals(duration);
		}
		if (actual instanceof DataSize size) {
			return DataSize.parse(written).equals(size);
		}
		if (actual instanceof Enum<?> constant) {
			return written.equals(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		}
		if (actual instanceof Collection<?> collection) {
			List<String> elements = Arrays.stream(written.split(",")).map(String::trim).toList();
			return elements.size() == collection.size() && collection.stream()
				.allMatch((element) -> elements.stream().anyMatch((value) -> matches(value, element)));
		}
		if (actual instanceof Number number) {
			return new BigDecimal(written).compareTo(new BigDecimal(number.toString())) == 0;
		}
		return written.equals(String.valueOf(actual));
	}

	/** Whether the value is no default at all: unset, or an empty list or map. */
	static boolean isUnset(@Nullable Object actual) {
		return actual == null || (actual instanceof Map<?, ?> map && map.isEmpty())
				|| (actual instanceof Collection<?> collection && collection.isEmpty());
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

}
