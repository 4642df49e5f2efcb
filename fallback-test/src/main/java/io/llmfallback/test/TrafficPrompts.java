package io.llmfallback.test;

import java.util.List;

/**
 * Prompts for a batch of traffic through a chain: everyday requests of 15 to 20 words, so
 * that a terser fallback model shows as a clear output-length delta.
 */
public final class TrafficPrompts {

	/**
	 * In the order requests use them: request {@code i} sends
	 * {@code ALL.get(i % ALL.size())}.
	 */
	public static final List<String> ALL = List.of(
			"Summarize the attached quarterly report for the leadership team and highlight the three largest risks to revenue.",
			"Explain to a new engineer why the payment service retries idempotent requests but never a charge that may have succeeded.",
			"Draft a polite reply to a customer who was billed twice this month and wants the duplicate charge refunded today.",
			"Write a short release note announcing that search results now load twice as fast on mobile devices.",
			"Rewrite the onboarding checklist in plain language that a support agent can follow in their first week.",
			"List the steps to rotate a leaked database password without taking the checkout service offline.",
			"Compare the two vendor proposals for log storage and recommend one, weighing cost, retention and migration effort.",
			"Why is the sky blue? Answer for a curious ten-year-old in two or three friendly sentences.");

	private TrafficPrompts() {
	}

	/** The prompt of request {@code i} of a batch. */
	public static String forRequest(int i) {
		return ALL.get(i % ALL.size());
	}

}
