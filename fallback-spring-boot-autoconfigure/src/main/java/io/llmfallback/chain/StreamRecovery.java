package io.llmfallback.chain;

import java.time.Duration;

/**
 * What a chain does when a stream fails after its first chunk with text reached the
 * caller.
 *
 * @param onInterruption what the caller gets
 * @param continuationBudget the most a continuation may take, from its start to its last
 * chunk, within what is left of the chain's latency budget
 */
public record StreamRecovery(OnInterruption onInterruption, Duration continuationBudget) {

	/** Long enough to finish an answer, well inside the default 60 s latency budget. */
	public static final Duration DEFAULT_CONTINUATION_BUDGET = Duration.ofSeconds(15);

	/** A typed error after the chunks sent. */
	public static final StreamRecovery DEFAULT = new StreamRecovery(OnInterruption.ERROR, DEFAULT_CONTINUATION_BUDGET);

	public StreamRecovery {
		if (continuationBudget.isNegative() || continuationBudget.isZero()) {
			throw new IllegalArgumentException("The continuation budget must be positive, was " + continuationBudget);
		}
	}

	/** What the caller of a stream interrupted after its first chunk gets. */
	public enum OnInterruption {

		/**
		 * {@link ChainInterruptedException} after the chunks already sent: the caller
		 * knows the answer is cut.
		 */
		ERROR,

		/**
		 * The rest of the answer from the next provider of the chain that accepts a
		 * prefill, given the text sent so far as the start of its own answer. If it fails
		 * too, or none is left, the caller gets {@link ChainInterruptedException} with
		 * the first failure as its cause.
		 */
		CONTINUE,

		/**
		 * For callers that read the stream whole: each attempt's chunks are held until it
		 * ends, so that a failure at any point falls over like a unary one and the caller
		 * receives one provider's whole answer.
		 */
		RESTART

	}

}
