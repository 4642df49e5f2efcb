package io.llmfallback.provider.internal;

import io.llmfallback.provider.LlmProvider;

/**
 * Makes the providers that call a bean of the application instead of an HTTP API (type
 * {@code spring-ai}); an integration's auto-configuration declares it when its API is on
 * the class path.
 */
@FunctionalInterface
public interface BeanProviderFactory {

	LlmProvider create(ProviderSettings settings, String beanName);

}
