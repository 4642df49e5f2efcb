package io.llmfallback.provider.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.llmfallback.provider.LlmProvider;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The configured providers by name, each made for its wire protocol, and what their calls
 * hold open.
 */
public final class LlmProviders implements AutoCloseable {

	private final Map<String, LlmProvider> providers = new LinkedHashMap<>();

	private final AutoCloseable resources;

	public LlmProviders(Collection<LlmProvider> providers) {
		this(providers, () -> {
		});
	}

	/**
	 * @param resources what the providers' calls use and {@link #close()} releases, such
	 * as a connection pool
	 */
	public LlmProviders(Collection<LlmProvider> providers, AutoCloseable resources) {
		providers.forEach((provider) -> this.providers.put(provider.name(), provider));
		this.resources = resources;
	}

	/**
	 * Creates the provider implementation of the configured wire protocol, reading
	 * answers within its own cap only: it shares no budget with other providers.
	 */
	public static LlmProvider create(ProviderSettings settings, WebClient.Builder webClientBuilder) {
		return create(settings, webClientBuilder, new ResponseBudget(Long.MAX_VALUE));
	}

	private static LlmProvider create(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		return switch (settings.type()) {
			case OPENAI -> new OpenAiProvider(settings, webClientBuilder, responseBudget);
			case ANTHROPIC -> new AnthropicProvider(settings, webClientBuilder, responseBudget);
			case GEMINI -> new GeminiProvider(settings, webClientBuilder, responseBudget);
			case SPRING_AI -> throw new IllegalArgumentException("Provider '" + settings.name()
					+ "' calls a Spring AI bean: the Spring AI auto-configuration makes it");
		};
	}

	/**
	 * Creates the provider, reading its answers within the budget it shares with the
	 * other providers, and makes it rewrite every request with the adaptation first.
	 */
	public static LlmProvider create(ProviderSettings settings, RequestAdaptation adaptation,
			WebClient.Builder webClientBuilder, ResponseBudget responseBudget) {
		return adapted(create(settings, webClientBuilder, responseBudget), adaptation);
	}

	/** The provider, rewriting every request with the adaptation first. */
	public static LlmProvider adapted(LlmProvider provider, RequestAdaptation adaptation) {
		return adaptation.isNone() ? provider : new AdaptingProvider(provider, adaptation);
	}

	/**
	 * The provider of that name.
	 * @throws IllegalArgumentException when there is none
	 */
	public LlmProvider get(String name) {
		LlmProvider provider = this.providers.get(name);
		if (provider == null) {
			throw new IllegalArgumentException(
					"No LLM provider named '" + name + "'; configured: " + this.providers.keySet());
		}
		return provider;
	}

	public Collection<LlmProvider> all() {
		return this.providers.values();
	}

	/** Releases the providers' resources; a Spring context calls it when it closes. */
	@Override
	public void close() throws Exception {
		this.resources.close();
	}

}
