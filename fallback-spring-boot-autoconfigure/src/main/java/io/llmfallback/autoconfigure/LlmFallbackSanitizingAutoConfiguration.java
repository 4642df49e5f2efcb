package io.llmfallback.autoconfigure;

import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks provider API keys in the {@code env} and {@code configprops} endpoints even where an application
 * shows values ({@code management.endpoint.env.show-values=always}): {@code llm.fallback.providers.*.api-key},
 * the bound {@code apiKey} and variables such as {@code OPENAI_API_KEY}.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LlmFallbackSanitizingAutoConfiguration {

	private static final Pattern API_KEY = Pattern.compile("(?i).*api[-_.]?key");

	@Bean
	SanitizingFunction llmFallbackApiKeySanitizer() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(API_KEY);
	}

}
