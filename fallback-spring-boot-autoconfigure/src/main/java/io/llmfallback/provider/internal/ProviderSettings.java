package io.llmfallback.provider.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;

/**
 * What a provider needs to talk to its endpoint.
 *
 * @param name the configured name
 * @param type the wire protocol
 * @param baseUrl scheme, host and optional path prefix, e.g.
 * {@code https://api.openai.com}
 * @param apiKey the credential; may be empty for endpoints without one (a local Ollama).
 * Never printed.
 * @param model the model sent when a request names none
 * @param timeout the per-attempt ceiling
 * @param maxTokens the output cap sent when a request names none
 * @param headers extra headers sent with every request
 * @param maxResponseBytes the cap on one answer's body; reading stops at the first byte
 * past it
 * @param maxInputTokens the most prompt tokens an answer may report; more are priced as
 * this many
 * @param capabilities what the model takes: configured, else its model's in
 * {@link ModelCapabilities}, else {@link ProviderCapabilities#UNRESTRICTED}
 */
public record ProviderSettings(String name, ProviderType type, URI baseUrl, String apiKey, String model,
		Duration timeout, int maxTokens, Map<String, String> headers, long maxResponseBytes, long maxInputTokens,
		ProviderCapabilities capabilities) {

	/**
	 * An LLM answer is rarely above a few hundred KB (65k output tokens, Gemini's largest
	 * limit, are about 260 KB of text); a body four times that is a broken or hostile
	 * endpoint.
	 */
	public static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

	/**
	 * The largest context windows of today's models (Gemini 1.5 Pro's, 2M tokens) read no
	 * more.
	 */
	public static final long DEFAULT_MAX_INPUT_TOKENS = 2_000_000;

	public ProviderSettings {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(baseUrl, "baseUrl");
		Objects.requireNonNull(apiKey, "apiKey");
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(capabilities, "capabilities");
		headers = Map.copyOf(headers);
		if (maxResponseBytes < 1) {
			throw new IllegalArgumentException("maxResponseBytes must be positive, was " + maxResponseBytes);
		}
		if (maxInputTokens < 1) {
			throw new IllegalArgumentException("maxInputTokens must be positive, was " + maxInputTokens);
		}
	}

	/** Settings with the capabilities of the model. */
	public ProviderSettings(String name, ProviderType type, URI baseUrl, String apiKey, String model, Duration timeout,
			int maxTokens, Map<String, String> headers, long maxResponseBytes, long maxInputTokens) {
		this(name, type, baseUrl, apiKey, model, timeout, maxTokens, headers, maxResponseBytes, maxInputTokens,
				capabilitiesOf(model));
	}

	/** Settings with the default limits. */
	public ProviderSettings(String name, ProviderType type, URI baseUrl, String apiKey, String model, Duration timeout,
			int maxTokens, Map<String, String> headers) {
		this(name, type, baseUrl, apiKey, model, timeout, maxTokens, headers, DEFAULT_MAX_RESPONSE_BYTES,
				DEFAULT_MAX_INPUT_TOKENS);
	}

	/**
	 * The capabilities of the model in {@link ModelCapabilities}, or
	 * {@link ProviderCapabilities#UNRESTRICTED} for a model it does not know.
	 */
	public static ProviderCapabilities capabilitiesOf(String model) {
		ProviderCapabilities listed = ModelCapabilities.forModel(model);
		return (listed != null) ? listed : ProviderCapabilities.UNRESTRICTED;
	}

	public boolean hasApiKey() {
		return !this.apiKey.isBlank();
	}

	/**
	 * Leaves the API key out, so that a logged or printed settings object never leaks it.
	 */
	@Override
	public String toString() {
		return "ProviderSettings[name=" + this.name + ", type=" + this.type.wireName() + ", baseUrl=" + this.baseUrl
				+ ", apiKey=" + (hasApiKey() ? "******" : "<none>") + ", model=" + this.model + ", timeout="
				+ this.timeout + ", maxTokens=" + this.maxTokens + ", headers=" + this.headers.keySet()
				+ ", maxResponseBytes=" + this.maxResponseBytes + ", maxInputTokens=" + this.maxInputTokens
				+ ", capabilities=" + this.capabilities + "]";
	}

}
