package io.llmfallback.model;

import java.util.Locale;

/**
 * Why a provider call failed, the same for every provider. Each provider maps its own
 * status codes and error bodies onto these; chains decide per category whether to move on
 * to the next provider.
 */
public enum FailureCategory {

	/**
	 * No answer within the attempt's timeout (the provider's own or what was left of the
	 * chain budget).
	 */
	TIMEOUT(true),

	/** The connection could not be made or broke (refused, reset, DNS). */
	CONNECTION(true),

	/** HTTP 429: quota or rate limit; the provider's {@code retry-after} is kept. */
	RATE_LIMITED(true),

	/**
	 * The provider says it is overloaded (Anthropic 529, 503 "overloaded"/"unavailable").
	 */
	OVERLOADED(true),

	/** Any other 5xx. */
	SERVER_ERROR(true),

	/** HTTP 401/403 or an invalid API key. */
	AUTH(false),

	/** HTTP 400 and other 4xx the caller caused. */
	BAD_REQUEST(false),

	/** The prompt does not fit the model's context window. */
	CONTEXT_LENGTH(false),

	/** The provider refused or filtered the content. */
	CONTENT_FILTERED(false),

	/** A 2xx whose body could not be parsed or lacks the fields a response needs. */
	INVALID_RESPONSE(true),

	/**
	 * A 3xx. Redirects are never followed: the request carries the API key and the
	 * prompt, and the provider answers from where it was configured or not at all.
	 */
	REDIRECT(true),

	/**
	 * A 2xx whose answer has no text (nor a tool call): empty or whitespace only, whether
	 * it stopped normally or at the token limit.
	 */
	EMPTY_RESPONSE(true),

	/**
	 * A stream that ended before the provider's end of stream: the connection closed, or
	 * the body ended, without {@code [DONE]} or {@code message_stop}. What came before it
	 * is not the whole answer.
	 */
	STREAM_TRUNCATED(true),

	/**
	 * A 2xx whose body passed the provider's size cap, or could not be read within the
	 * budget of answers being read at once; reading stopped there. Not a provider-health
	 * signal: the provider did answer, and the budget is this application's memory, which
	 * must not open breakers on providers that are well.
	 */
	RESPONSE_TOO_LARGE(false),

	/**
	 * A well-formed answer that breaks the chain's output contract (JSON schema, length,
	 * truncation). Says nothing about the provider's health unless the breaker settings
	 * make it count.
	 */
	CONTRACT_VIOLATION(false);

	private final boolean providerHealthSignal;

	FailureCategory(boolean providerHealthSignal) {
		this.providerHealthSignal = providerHealthSignal;
	}

	/**
	 * Whether this failure says something about the provider's health, and so counts
	 * towards opening its circuit breaker. Failures caused by the request itself (bad
	 * request, context length, content filter) or by our credentials do not.
	 */
	public boolean isProviderHealthSignal() {
		return this.providerHealthSignal;
	}

	/**
	 * The kebab-case name used in properties, JSON and meter tags, e.g.
	 * {@code rate-limited}.
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
