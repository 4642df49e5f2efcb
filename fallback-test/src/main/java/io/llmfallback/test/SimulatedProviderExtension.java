package io.llmfallback.test;

import java.util.Collection;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Simulated providers for a JUnit 5 test class: started before its first test,
 * {@linkplain SimulatedProvider#reset() reset} before each (healthy, echoing, no request
 * counted), stopped after its last; its {@code @Nested} classes share them. Register it
 * on a static field, so that it lives as long as the class:
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static final SimulatedProviderExtension providers = new SimulatedProviderExtension()
 *         .provider("gpt", WireProtocol.OPENAI)
 *         .provider("claude", WireProtocol.ANTHROPIC);
 *
 *

&#64;DynamicPropertySource
 * static void simulatedProviders(DynamicPropertyRegistry registry) {
 *     providers.registerBaseUrls(registry);
 * }
 * }</pre>
 *
 * With a Spring test, {@link #registerBaseUrls} points the configured providers of the
 * same names at the simulated ones; the context is built after every {@code beforeAll}
 * callback, so the providers are listening by then.
 */
public final class SimulatedProviderExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private final SimulatedProviders.Builder builder = SimulatedProviders.builder();

	private @Nullable SimulatedProviders providers;

	/**
	 * The class that started the providers: its nested classes' callbacks find them
	 * running.
	 */
	private @Nullable String startedBy;

	/**
	 * Adds a provider answering at once with the whole echo
	 * ({@link ModelProfile#INSTANT}).
	 */
	public SimulatedProviderExtension provider(String name, WireProtocol protocol) {
		this.builder.provider(name, protocol);
		return this;
	}

	/** Adds a provider that behaves as the profile says when healthy. */
	public SimulatedProviderExtension provider(String name, WireProtocol protocol, ModelProfile profile) {
		this.builder.provider(name, protocol, profile);
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.providers == null) {
			this.providers = this.builder.start();
			this.startedBy = context.getUniqueId();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		started().resetAll();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		SimulatedProviders providers = this.providers;
		if (providers != null && context.getUniqueId().equals(this.startedBy)) {
			this.providers = null;
			this.startedBy = null;
			providers.close();
		}
	}

	/**
	 * The provider of that name.
	 * @throws IllegalStateException before the class's first test or after its last
	 * @throws IllegalArgumentException when there is none of that name
	 */
	public SimulatedProvider get(String name) {
		return started().get(name);
	}

	/** Every provider, in the order they were added. */
	public Collection<SimulatedProvider> all() {
		return started().all();
	}

	/**
	 * Registers each provider's URL as {@code llm.fallback.providers.<name>.base-url},
	 * read when the context reads it, that is once the providers have started.
	 */
	public void registerBaseUrls(DynamicPropertyRegistry registry) {
		Objects.requireNonNull(registry, "registry");
		for (String name : this.builder.names()) {
			registry.add(SimulatedProviders.baseUrlProperty(name), () -> get(name).baseUrl().toString());
		}
	}

	private SimulatedProviders started() {
		SimulatedProviders providers = this.providers;
		if (providers == null) {
			throw new IllegalStateException("The simulated providers run from the test class's beforeAll to its "
					+ "afterAll: register SimulatedProviderExtension on a static field");
		}
		return providers;
	}

}
