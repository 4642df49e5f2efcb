package io.llmfallback.model;

/**
 * Tokens billed for one call, as the provider reported them, normalized to one shape: every provider
 * reports its prompt-cache hits in its own way, here they are a part of the prompt tokens.
 *
 * @param inputTokens prompt tokens, the ones served from the provider's prompt cache included
 * @param outputTokens completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} the provider served from its prompt cache, which
 * it bills at a lower price
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {

	public static final TokenUsage NONE = new TokenUsage(0, 0);

	public TokenUsage {
		if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) {
			throw new IllegalArgumentException("Token counts cannot be negative");
		}
		if (cachedInputTokens > inputTokens) {
			throw new IllegalArgumentException("Cached input tokens (" + cachedInputTokens
					+ ") cannot exceed the input tokens they are part of (" + inputTokens + ")");
		}
	}

	/** A call that read nothing from a prompt cache. */
	public TokenUsage(long inputTokens, long outputTokens) {
		this(inputTokens, outputTokens, 0);
	}

	/** The prompt tokens billed at the full input price. */
	public long uncachedInputTokens() {
		return this.inputTokens - this.cachedInputTokens;
	}

	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
