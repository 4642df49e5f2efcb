package io.llmfallback.chain;

import java.util.Locale;

/** How one provider attempt of a chain ended. */
public enum AttemptOutcome {

	/** The provider answered. */
	SUCCESS,

	/** The provider was called and failed; the attempt's category says how. */
	FAILED,

	/**
	 * The provider's breaker was open: it was skipped without a call, at no cost in time.
	 */
	SHORT_CIRCUITED,

	/** The chain's latency budget was spent before this provider's turn came. */
	BUDGET_EXHAUSTED,

	/**
	 * A spend limit was reached, and this fallback costs more than the primary: it was
	 * not called.
	 */
	SPEND_LIMITED,

	/**
	 * The provider was called, and the call was given up while it waited because the
	 * provider's breaker opened: the request moved on at once instead of waiting out a
	 * provider found to be failing.
	 */
	CANCELLED,

	/**
	 * The provider was called as one of two lines of a hedged request, and the other
	 * line's answer was served: the call was given up, or its answer came second. An
	 * answer that came is billed.
	 */
	HEDGE_LOST,

	/** The provider had {@code max-concurrency} calls in flight: it was not called. */
	BULKHEAD_FULL,

	/**
	 * The provider's rate limit, ours or the {@code retry-after} of its last 429, left no
	 * room: not called.
	 */
	THROTTLED,

	/**
	 * The request had made {@code max-attempts} provider calls: this provider was not
	 * called.
	 */
	MAX_ATTEMPTS,

	/**
	 * The request has tools or tool results, and the provider's model does not take
	 * tools: it was not called.
	 */
	TOOLS_UNSUPPORTED,

	/**
	 * The request has images, and the provider's model does not read them: it was not
	 * called.
	 */
	IMAGES_UNSUPPORTED,

	/**
	 * The request's answer must match a JSON Schema, and the provider's model has no JSON
	 * Schema output: it was not called.
	 */
	JSON_SCHEMA_UNSUPPORTED,

	/**
	 * The request's estimated prompt tokens are more than the provider's context window:
	 * it was not called.
	 */
	CONTEXT_WINDOW_EXCEEDED;

	/**
	 * Whether the provider was skipped because its model lacks what the request needs:
	 * {@link #TOOLS_UNSUPPORTED}, {@link #IMAGES_UNSUPPORTED},
	 * {@link #JSON_SCHEMA_UNSUPPORTED} or {@link #CONTEXT_WINDOW_EXCEEDED}.
	 */
	public boolean isCapabilitySkip() {
		return this == TOOLS_UNSUPPORTED || this == IMAGES_UNSUPPORTED || this == JSON_SCHEMA_UNSUPPORTED
				|| this == CONTEXT_WINDOW_EXCEEDED;
	}

	/**
	 * The outcome in lower case with hyphens: {@code short-circuited},
	 * {@code bulkhead-full}...
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
