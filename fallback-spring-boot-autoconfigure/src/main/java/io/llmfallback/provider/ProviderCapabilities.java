package io.llmfallback.provider;

import org.jspecify.annotations.Nullable;

/**
 * What a provider's model takes. A chain skips a provider that lacks what a request needs
 * (tools, images, a prompt that fits its context window) instead of sending it a request
 * it would refuse or misread.
 *
 * @param tools whether the model takes tool definitions and calls tools
 * @param images whether the model reads images in user messages
 * @param jsonSchema whether the API constrains the answer to a JSON Schema (structured
 * output), rather than asking for JSON in the prompt
 * @param contextWindow the most prompt tokens the model reads, or {@code null} when
 * unknown: then no prompt is too long for it
 * @param imageUrls whether the provider's API fetches an image given by its URL, rather
 * than taking only inline data (Gemini's does not)
 */
public record ProviderCapabilities(boolean tools, boolean images, boolean jsonSchema, @Nullable Integer contextWindow,
		boolean imageUrls) {

	/**
	 * Everything, with no known context window: what a provider is taken to support when
	 * nothing says otherwise, so that no request skips it.
	 */
	public static final ProviderCapabilities UNRESTRICTED = new ProviderCapabilities(true, true, true, null, true);

	public ProviderCapabilities {
		if (contextWindow != null && contextWindow < 1) {
			throw new IllegalArgumentException("contextWindow must be positive, was " + contextWindow);
		}
	}

	/** Capabilities whose images, when it takes any, may be given by URL too. */
	public ProviderCapabilities(boolean tools, boolean images, boolean jsonSchema, @Nullable Integer contextWindow) {
		this(tools, images, jsonSchema, contextWindow, images);
	}

	/** These capabilities, with images taken as inline data only. */
	public ProviderCapabilities withoutImageUrls() {
		return new ProviderCapabilities(this.tools, this.images, this.jsonSchema, this.contextWindow, false);
	}

	/** Whether a prompt of that many tokens fits the context window, when it is known. */
	public boolean fits(long inputTokens) {
		return this.contextWindow == null || inputTokens <= this.contextWindow;
	}

}
