package io.llmfallback.chain.internal;

/**
 * The rate a provider allows, kept on our side so that a request over it goes to the next
 * provider without being sent.
 *
 * @param requestsPerMinute requests a minute; 0 for no limit
 * @param tokensPerMinute tokens a minute, estimated from each request and corrected with
 * reported usage; 0 for no limit
 * @param respectRetryAfter whether a 429 with {@code retry-after} keeps every request
 * from the provider until then
 */
public record RateLimitSettings(int requestsPerMinute, long tokensPerMinute, boolean respectRetryAfter) {

	/** No limit of our own; a provider's {@code retry-after} is respected. */
	public static final RateLimitSettings DEFAULTS = new RateLimitSettings(0, 0, true);

	public RateLimitSettings {
		if (requestsPerMinute < 0 || tokensPerMinute < 0) {
			throw new IllegalArgumentException("Rate limits must not be negative, were " + requestsPerMinute
					+ " requests and " + tokensPerMinute + " tokens a minute");
		}
	}

}
