package io.llmfallback.provider.internal;

import java.time.Duration;

import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;

/**
 * A provider whose name, model, limits and capabilities are its configured
 * {@link ProviderSettings}: the HTTP clients and a Spring AI model bean alike.
 */
public abstract class ConfiguredProvider implements LlmProvider {

	protected final ProviderSettings settings;

	protected ConfiguredProvider(ProviderSettings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return this.settings.name();
	}

	@Override
	public ProviderType type() {
		return this.settings.type();
	}

	@Override
	public String model() {
		return this.settings.model();
	}

	@Override
	public int maxTokens() {
		return this.settings.maxTokens();
	}

	@Override
	public Duration timeout() {
		return this.settings.timeout();
	}

	/**
	 * What the configured model takes: the {@code capabilities.*} properties, else the
	 * library's list for that model name.
	 */
	@Override
	public ProviderCapabilities capabilities() {
		return this.settings.capabilities();
	}

}
