package io.llmfallback.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The OpenAI-compatible HTTP endpoint over the chains:
 * {@code POST <base-path>/chat/completions} with {@code model} naming a chain, and
 * {@code GET <base-path>/models}.
 */
@ConfigurationProperties("llm.fallback.openai-api")
public class LlmFallbackOpenAiApiProperties {

	/**
	 * Whether to serve the OpenAI-compatible endpoint (reactive web applications only);
	 * it spends provider money for whoever can reach it.
	 */
	private boolean enabled;

	/**
	 * Path the endpoint's routes start with: <base-path>/chat/completions and
	 * <base-path>/models.
	 */
	private String basePath = "/v1";

	/**
	 * Bearer keys a caller must send one of (Authorization: Bearer <key>); without any,
	 * the endpoint is open to whoever reaches it.
	 */
	private List<String> apiKeys = new ArrayList<>();

	/**
	 * Largest request body read; a larger one is refused with 413 before it is read
	 * whole.
	 */
	private DataSize maxRequestSize = DataSize.ofMegabytes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getBasePath() {
		return this.basePath;
	}

	public void setBasePath(String basePath) {
		this.basePath = basePath;
	}

	public List<String> getApiKeys() {
		return this.apiKeys;
	}

	public void setApiKeys(List<String> apiKeys) {
		this.apiKeys = apiKeys;
	}

	public DataSize getMaxRequestSize() {
		return this.maxRequestSize;
	}

	public void setMaxRequestSize(DataSize maxRequestSize) {
		this.maxRequestSize = maxRequestSize;
	}

}
