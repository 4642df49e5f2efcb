package io.llmfallback.provider;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.reactive.function.client.WebClient;

/** The configured providers by name, each made for its wire protocol. */
public final class LlmProviders {

	private final Map<String, LlmProvider> providers = new LinkedHashMap<>();

	public LlmProviders(Collection<LlmProvider> providers) {
		providers.forEach((provider) -> this.providers.put(provider.name(), provider));
	}

	/** Creates the provider implementation of the configured wire protocol. */
	public static LlmProvider create(ProviderSettings settings, WebClient.Builder webClientBuilder) {
		return switch (settings.type()) {
			case OPENAI -> new OpenAiProvider(settings, webClientBuilder);
			case ANTHROPIC -> new AnthropicProvider(settings, webClientBuilder);
			case GEMINI -> new GeminiProvider(settings, webClientBuilder);
		};
	}

	/** Creates the provider and makes it rewrite every request with the adaptation first. */
	public static LlmProvider create(ProviderSettings settings, RequestAdaptation adaptation,
			WebClient.Builder webClientBuilder) {
		LlmProvider provider = create(settings, webClientBuilder);
		return adaptation.isNone() ? provider : new AdaptingProvider(provider, adaptation);
	}

	/**
	 * The provider of that name.
	 * @throws IllegalArgumentException when there is none
	 */
	public LlmProvider get(String name) {
		LlmProvider provider = this.providers.get(name);
		if (provider == null) {
			throw new IllegalArgumentException("No LLM provider named '" + name + "'; configured: " + this.providers.keySet());
		}
		return provider;
	}

	public Collection<LlmProvider> all() {
		return this.providers.values();
	}

}
