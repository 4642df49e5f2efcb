package io.llmfallback.autoconfigure.internal;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.autoconfigure.LlmFallbackOpenAiApiProperties;
import io.llmfallback.autoconfigure.LlmFallbackProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Every key a user may write under {@code llm.fallback}, read from the properties
 * classes, so that a key naming nothing fails start-up instead of being ignored. Spring
 * Boot's own check ({@code ignoreUnknownFields = false}) cannot serve:
 * {@code llm.fallback.gate} and {@code llm.fallback.openai-api} are bound by other
 * classes, and its report prints the value of the unknown key, which for a misspelt
 * {@code api-key} is the secret.
 * <p>
 * The keys of the fallback-gate module ({@code llm.fallback.gate.*},
 * {@code llm.fallback.review.*}, {@code llm.fallback.chains.<name>.gate-corpus}) are
 * checked as any other when the module is present
 * ({@link LlmFallbackPropertiesExtension}), and ignored with a warning when it is not:
 * one configuration then serves the build or CI job that runs the gate and the production
 * application that does not carry it.
 */
public final class LlmFallbackKeys {

	static final String PREFIX = "llm.fallback";

	private static final Log logger = LogFactory.getLog(LlmFallbackKeys.class);

	private static final String GATE_MODULE = "io.llmfallback:fallback-gate";

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

	private static final Node TREE = tree();

	private LlmFallbackKeys() {
	}

	/**
	 * Every key, a map entry's key written as {@code <name>}, e.g.
	 * {@code llm.fallback.providers.<name>.timeout}.
	 */
	public static List<String> all() {
		List<String> keys = new ArrayList<>();
		TREE.collect(PREFIX, keys);
		return keys;
	}

	/**
	 * A problem for every key under {@code llm.fallback} in the environment that names no
	 * property; a warning for the keys of a module that is not on the class path.
	 */
	public static List<Problem> unknown(Environment environment) {
		Map<ConfigurationPropertyName, Problem> unknown = new LinkedHashMap<>();
		Map<String, String> ignored = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				// Environment variables cannot write a dash:
				// LLM_FALLBACK_PROVIDERS_GPT_API_KEY means api-key.
				boolean dashless = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
				iterable.stream()
					.filter(ROOT::isAncestorOf)
					.filter((name) -> !unknown.containsKey(name))
					.forEach((name) -> {
						String hint = TREE.check(name, ROOT.getNumberOfElements(), dashless, ignored);
						if (hint != null) {
							unknown.put(name, new Problem(name.toString(),
									"unknown property" + origin(source, name) + "; " + hint));
						}
					});
			}
		}
		ignored.entrySet()
			.stream()
			.collect(Collectors.groupingBy(Map.Entry::getValue, LinkedHashMap::new,
					Collectors.mapping(Map.Entry::getKey, Collectors.toList())))
			.forEach((module,
					keys) -> logger.warn("Ignoring " + String.join(", ", keys) + ": "
							+ ((keys.size() == 1) ? "it configures" : "they configure") + " the module " + module
							+ ", which is not on the class path"));
		return List.copyOf(unknown.values());
	}

	private static String origin(ConfigurationPropertySource source, ConfigurationPropertyName name) {
		ConfigurationProperty property = source.getConfigurationProperty(name);
		Origin origin = (property != null) ? property.getOrigin() : null;
		return (origin != null) ? " (" + origin + ")" : "";
	}

	private static Node tree() {
		Node root = Node.bean(LlmFallbackProperties.class);
		root.children.put("openai-api", Node.bean(LlmFallbackOpenAiApiProperties.class));
		Node chain = root.child("chains").entries();
		root.children.put("gate", Node.absent(GATE_MODULE));
		root.children.put("review", Node.absent(GATE_MODULE));
		chain.children.put("gate-corpus", Node.absent(GATE_MODULE));
		for (LlmFallbackPropertiesExtension extension : SpringFactoriesLoader
			.forDefaultResourceLocation(LlmFallbackKeys.class.getClassLoader())
			.load(LlmFallbackPropertiesExtension.class)) {
			extension.properties().forEach((key, type) -> root.children.put(key, Node.bean(type)));
			Class<?> chainProperties = extension.chainProperties();
			if (chainProperties != null) {
				chain.children.putAll(Node.bean(chainProperties).children);
			}
		}
		return root;
	}

	/**
	 * What may follow a key: nested properties, a map's keys, list indexes, anything,
	 * nothing, or the keys of a module that is absent.
	 */
	private static final class Node {

		private final Kind kind;

		/** A bean's properties by their kebab-case names. */
		private final Map<String, Node> children = new LinkedHashMap<>();

		/** A map's values. */
		private final @Nullable Node values;

		/** The absent module whose keys these are. */
		private final @Nullable String module;

		private Node(Kind kind, @Nullable Node values) {
			this(kind, values, null);
		}

		private Node(Kind kind, @Nullable Node values, @Nullable String module) {
			this.kind = kind;
			this.values = values;
			this.module = module;
		}

		/** The node of a bean's property, which the bean must have. */
		Node child(String name) {
			Node child = this.children.get(name);
			if (child == null) {
				throw new IllegalStateException("No property '" + name + "' under " + this.kind);
			}
			return child;
		}

		/** The node of a map's values: only a map has them. */
		Node entries() {
			Node entries = this.values;
			if (entries == null) {
				throw new IllegalStateException("A " + this.kind + " has no entries");
			}
			return entries;
		}

		static Node absent(String module) {
			return new Node(Kind.ABSENT, null, module);
		}

		static Node bean(Class<?> type) {
			Node node = new Node(Kind.BEAN, null);
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getReadMethod() != null && descriptor.getWriteMethod() != null) {
					node.children.put(DataObjectPropertyName.toDashedForm(descriptor.getName()),
							of(ResolvableType.forMethodReturnType(descriptor.getReadMethod())));
				}
			}
			return node;
		}

		private static Node of(ResolvableType type) {
			if (type.asMap() != ResolvableType.NONE) {
				ResolvableType values = type.asMap().getGeneric(1);
				// A map of plain values (headers) takes any key, dots included.
				return isBean(values) ? new Node(Kind.MAP, bean(values.toClass())) : new Node(Kind.ANY, null);
			}
			if (type.isArray() || Collection.class.isAssignableFrom(type.toClass())) {
				return new Node(Kind.LIST, null);
			}
			return isBean(type) ? bean(type.toClass()) : new Node(Kind.VALUE, null);
		}

		// The starter's own classes are beans to descend into; anything else (Duration,
		// BigDecimal) is a value.
		private static boolean isBean(ResolvableType type) {
			Class<?> resolved = type.toClass();
			return resolved.getName().startsWith("io.llmfallback.") && !resolved.isEnum();
		}

		void collect(String key, List<String> keys) {
			switch (this.kind) {
				case BEAN -> this.children.forEach((child, node) -> node.collect(key + "." + child, keys));
				case MAP -> entries().collect(key + ".<name>", keys);
				case ABSENT -> {
				}
				default -> keys.add(key);
			}
		}

		/**
		 * What to write instead of the name from its element {@code index} on, or
		 * {@code null} when it names a property or one of an absent module, which is
		 * added to {@code ignored} with its module.
		 */
		@Nullable String check(ConfigurationPropertyName name, int index, boolean dashless, Map<String, String> ignored) {
			if (this.kind == Kind.ABSENT) {
				ignored.put(name.toString(), this.module);
				return null;
			}
			if (index == name.getNumberOfElements()) {
				return null;
			}
			return switch (this.kind) {
				case ANY, ABSENT -> null;
				case MAP -> entries().check(name, index + 1, dashless, ignored);
				case LIST -> (index == name.getNumberOfElements() - 1 && name.isNumericIndex(index)) ? null
						: name.chop(index) + " takes a list of values";
				case VALUE -> name.chop(index) + " takes a single value";
				case BEAN -> checkChild(name, index, dashless, ignored);
			};
		}

		private @Nullable String checkChild(ConfigurationPropertyName name, int index, boolean dashless,
				Map<String, String> ignored) {
			StringBuilder written = new StringBuilder();
			for (int end = index; end < (dashless ? name.getNumberOfElements() : index + 1); end++) {
				written.append(name.getElement(end, Form.UNIFORM));
				for (Map.Entry<String, Node> child : this.children.entrySet()) {
					if (uniform(child.getKey()).contentEquals(written)) {
						return child.getValue().check(name, end + 1, dashless, ignored);
					}
				}
			}
			return suggestion(name.getElement(index, Form.UNIFORM));
		}

		private String suggestion(String written) {
			String closest = this.children.keySet()
				.stream()
				.min(Comparator.comparingInt((String candidate) -> distance(written, uniform(candidate))))
				.orElseThrow();
			// A suggestion far from what was written misleads more than the list of what
			// is valid here.
			if (distance(written, uniform(closest)) <= Math.max(2, written.length() / 3)) {
				return "did you mean '" + closest + "'?";
			}
			return "valid here: " + this.children.keySet().stream().sorted().collect(Collectors.joining(", "));
		}

		private static String uniform(String kebab) {
			return kebab.replace("-", "");
		}

		/** Levenshtein distance; keys are short, so the quadratic table costs nothing. */
		private static int distance(String a, String b) {
			int[] previous = new int[b.length() + 1];
			int[] current = new int[b.length() + 1];
			for (int j = 0; j <= b.length(); j++) {
				previous[j] = j;
			}
			for (int i = 1; i <= a.length(); i++) {
				current[0] = i;
				for (int j = 1; j <= b.length(); j++) {
					int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
					current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
				}
				int[] swap = previous;
				previous = current;
				current = swap;
			}
			return previous[b.length()];
		}

	}

	private enum Kind {

		BEAN, MAP, LIST, VALUE, ANY, ABSENT

	}

}
