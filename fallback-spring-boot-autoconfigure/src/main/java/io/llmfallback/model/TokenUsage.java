package io.llmfallback.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Tokens billed for one call, as the provider reported them, normalized to one shape: every provider
 * reports its prompt-cache hits in its own way, here they are a part of the prompt tokens.
 *
 * @param inputTokens prompt tokens, the ones served from the provider's prompt cache included
 * @param outputTokens completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} the provider served from its prompt cache, which
 * it bills at a lower price
 * @param clamped the counts the provider reported beyond plausible bounds, which hold the bound instead of
 * the reported figure (see {@link #clampedTo}); empty for usage as reported
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens, Set<Count> clamped) {

	public static final TokenUsage NONE = new TokenUsage(0, 0);

	public TokenUsage {
		if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) {
			throw new IllegalArgumentException("Token counts cannot be negative");
		}
		if (cachedInputTokens > inputTokens) {
			throw new IllegalArgumentException("Cached input tokens (" + cachedInputTokens
					+ ") cannot exceed the input tokens they are part of (" + inputTokens + ")");
		}
		clamped = Set.copyOf(clamped);
	}

	/** Usage as the provider reported it. */
	public TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {
		this(inputTokens, outputTokens, cachedInputTokens, Set.of());
	}

	/** A call that read nothing from a prompt cache. */
	public TokenUsage(long inputTokens, long outputTokens) {
		this(inputTokens, outputTokens, 0);
	}

	/**
	 * Usage as a provider reported it, made consistent: a negative count is read as 0, and cached tokens
	 * beyond the prompt tokens they are part of as the prompt tokens; either is marked as clamped (the
	 * cached tokens as {@link Count#INPUT}). A broken or hostile answer is then served and priced at what it
	 * can have cost at most, not refused: its text may well be fine.
	 */
	public static TokenUsage reported(long inputTokens, long outputTokens, long cachedInputTokens) {
		Set<Count> clamped = EnumSet.noneOf(Count.class);
		long input = Math.max(inputTokens, 0);
		if (inputTokens < 0 || cachedInputTokens < 0 || cachedInputTokens > input) {
			clamped.add(Count.INPUT);
		}
		if (outputTokens < 0) {
			clamped.add(Count.OUTPUT);
		}
		return new TokenUsage(input, Math.max(outputTokens, 0), Math.min(Math.max(cachedInputTokens, 0), input),
				clamped);
	}

	/** The prompt tokens billed at the full input price. */
	public long uncachedInputTokens() {
		return this.inputTokens - this.cachedInputTokens;
	}

	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

	/** Whether a count was beyond plausible bounds and holds the bound instead. */
	public boolean isClamped() {
		return !this.clamped.isEmpty();
	}

	/**
	 * This usage with every count above its bound cut down to the bound (the cached part of the input with
	 * it), and those counts marked; this very usage when all are within bounds. A provider cannot bill more
	 * output than the request allowed, nor more input than any model reads, so a larger figure is a broken
	 * or hostile answer that must not be priced as reported.
	 */
	public TokenUsage clampedTo(long maxInputTokens, long maxOutputTokens) {
		boolean input = this.inputTokens > maxInputTokens;
		boolean output = this.outputTokens > maxOutputTokens;
		if (!input && !output) {
			return this;
		}
		Set<Count> beyond = EnumSet.noneOf(Count.class);
		beyond.addAll(this.clamped);
		if (input) {
			beyond.add(Count.INPUT);
		}
		if (output) {
			beyond.add(Count.OUTPUT);
		}
		long clampedInput = Math.min(this.inputTokens, maxInputTokens);
		return new TokenUsage(clampedInput, Math.min(this.outputTokens, maxOutputTokens),
				Math.min(this.cachedInputTokens, clampedInput), beyond);
	}

	/** A count of a usage report. */
	public enum Count {

		INPUT, OUTPUT;

		/** The name used in meter tags and logs: {@code input}, {@code output}. */
		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
