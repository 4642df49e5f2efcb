package io.llmfallback.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider needs to talk to its endpoint.
 *
 * @param name the configured name
 * @param type the wire protocol
 * @param baseUrl scheme, host and optional path prefix, e.g. {@code https://api.openai.com}
 * @param apiKey the credential; may be empty for endpoints without one (a local Ollama). Never printed.
 * @param model the model sent when a request names none
 * @param timeout the per-attempt ceiling
 * @param maxTokens the output cap sent when a request names none
 * @param headers extra headers sent with every request
 */
public record ProviderSettings(String name, ProviderType type, URI baseUrl, String apiKey, String model,
		Duration timeout, int maxTokens, Map<String, String> headers) {

	public ProviderSettings {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(baseUrl, "baseUrl");
		Objects.requireNonNull(apiKey, "apiKey");
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(timeout, "timeout");
		headers = Map.copyOf(headers);
	}

	public boolean hasApiKey() {
		return !this.apiKey.isBlank();
	}

	/** Leaves the API key out, so that a logged or printed settings object never leaks it. */
	@Override
	public String toString() {
		return "ProviderSettings[name=" + this.name + ", type=" + this.type.wireName() + ", baseUrl=" + this.baseUrl
				+ ", apiKey=" + (hasApiKey() ? "******" : "<none>") + ", model=" + this.model + ", timeout="
				+ this.timeout + ", maxTokens=" + this.maxTokens + ", headers=" + this.headers.keySet() + "]";
	}

}
