package io.llmfallback.chain;

/** How one provider attempt of a chain ended. */
public enum AttemptOutcome {

	/** The provider answered. */
	SUCCESS,

	/** The provider was called and failed; the attempt's category says how. */
	FAILED,

	/** The provider's breaker was open: it was skipped without a call, at no cost in time. */
	SHORT_CIRCUITED,

	/** The chain's latency budget was spent before this provider's turn came. */
	BUDGET_EXHAUSTED,

	/** A spend limit was reached, and this fallback costs more than the primary: it was not called. */
	SPEND_LIMITED

}
