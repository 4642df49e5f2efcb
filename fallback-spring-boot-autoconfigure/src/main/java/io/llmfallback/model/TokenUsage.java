package io.llmfallback.model;

/**
 * Tokens billed for one call, as the provider reported them.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 */
public record TokenUsage(long inputTokens, long outputTokens) {

	public static final TokenUsage NONE = new TokenUsage(0, 0);

	public TokenUsage {
		if (inputTokens < 0 || outputTokens < 0) {
			throw new IllegalArgumentException("Token counts cannot be negative");
		}
	}

	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
