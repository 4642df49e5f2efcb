package io.llmfallback.autoconfigure;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Masks provider API keys and the OpenAI-compatible endpoint's keys in the {@code env}
 * and {@code configprops} endpoints even where an application shows values
 * ({@code management.endpoint.env.show-values=always}): by name
 * ({@code llm.fallback.providers.*.api-key}, {@code llm.fallback.openai-api.api-keys[0]},
 * the bound {@code apiKey} and {@code apiKeys}, variables such as
 * {@code OPENAI_API_KEY}), and by value, wherever a configured key appears: in a variable
 * of any name the key was read from, or inside the command line
 * ({@code sun.java.command}) that passed it (keys of 8 characters or more: real provider
 * keys are far longer).
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LlmFallbackSanitizingAutoConfiguration {

	// api-key, apiKey, OPENAI_API_KEY; api-keys[0], apiKeys,
	// LLM_FALLBACK_OPENAIAPI_APIKEYS_0.
	private static final Pattern API_KEY = Pattern.compile("(?i).*api[-_.]?keys?(\\[\\d+]|_\\d+)?");

	private static final int MIN_KEY_LENGTH_MASKED_BY_VALUE = 8;

	@Bean
	SanitizingFunction llmFallbackApiKeySanitizer() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(API_KEY);
	}

	@Bean
	SanitizingFunction llmFallbackApiKeyValueSanitizer(Environment environment) {
		Binder binder = Binder.get(environment);
		Stream<@Nullable String> providerKeys = binder
			.bind("llm.fallback.providers", Bindable.mapOf(String.class, ConfiguredKey.class))
			.orElse(Map.of())
			.values()
			.stream()
			.map(ConfiguredKey::apiKey);
		Stream<String> endpointKeys = binder.bind("llm.fallback.openai-api.api-keys", Bindable.listOf(String.class))
			.orElse(List.of())
			.stream();
		List<String> keys = Stream.concat(providerKeys, endpointKeys)
			.filter(Objects::nonNull)
			// A placeholder key of a local gateway ("x", "none", "ollama") is no secret,
			// and masking it inside every value would garble the endpoints; keys that
			// short are still masked by name.
			.filter((key) -> key.strip().length() >= MIN_KEY_LENGTH_MASKED_BY_VALUE)
			.distinct()
			// A key that contains another is masked whole.
			.sorted(Comparator.comparingInt(String::length).reversed())
			.toList();
		return new ConfiguredKeyMasking(keys);
	}

	/**
	 * The one part of a provider entry this needs, bound with placeholders resolved as
	 * the provider binds it.
	 */
	record ConfiguredKey(@Nullable String apiKey) {

	}

	/**
	 * Replaces every occurrence of a configured key in a text value, keeping the rest
	 * readable.
	 */
	record ConfiguredKeyMasking(List<String> keys) implements SanitizingFunction {

		@Override
		public SanitizableData apply(SanitizableData data) {
			if (this.keys.isEmpty() || !(data.getValue() instanceof CharSequence value)) {
				return data;
			}
			String text = value.toString();
			String masked = text;
			for (String key : this.keys) {
				masked = masked.replace(key, SanitizableData.SANITIZED_VALUE);
			}
			return masked.equals(text) ? data : data.withValue(masked);
		}

	}

}
