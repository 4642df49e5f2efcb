package io.llmfallback.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tokens billed for one call, as the provider reported them, normalized to one shape:
 * every provider reports its prompt-cache hits in its own way, here they are a part of
 * the prompt tokens.
 *
 * @param inputTokens prompt tokens, the ones served from the provider's prompt cache
 * included
 * @param outputTokens completion tokens
 * @param cachedInputTokens the part of {@code inputTokens} the provider served from its
 * prompt cache, which it bills at a lower price
 * @param clamped the counts the provider reported beyond plausible bounds, which hold the
 * bound instead of the reported figure (see {@link #clampedTo}); empty for usage as
 * reported
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
	 * This usage with every count above its bound cut down to the bound (the cached part
	 * of the input with it), and those counts marked; this very usage when all are within
	 * bounds. A provider cannot bill more output than the request allowed, nor more input
	 * than any model reads, so a larger figure is a broken or hostile answer that must
	 * not be priced as reported.
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

	/**
	 * Usage as a provider reported it, some counts in parts (Anthropic's prompt, Gemini's
	 * output): the raw figures, for logs, until {@link #consistent} reads them.
	 *
	 * @param inputParts the parts that add up to the prompt tokens
	 * @param outputParts the parts that add up to the completion tokens
	 * @param cachedInputTokens the part of the prompt tokens served from the provider's
	 * prompt cache
	 */
	public record Reported(List<Long> inputParts, List<Long> outputParts, long cachedInputTokens) {

		public static final Reported NONE = new Reported(List.of(0L), List.of(0L), 0);

		public Reported {
			inputParts = List.copyOf(inputParts);
			outputParts = List.copyOf(outputParts);
		}

		/**
		 * This usage made consistent: a negative part is read as 0 and the other parts
		 * kept, cached tokens that are negative or beyond the prompt tokens they are part
		 * of as 0 (the whole prompt at the full price, not at the lowest); each such
		 * count is marked as clamped (the cached tokens as {@link Count#INPUT}). A broken
		 * or hostile answer is then served and priced at what it can have cost at most,
		 * not refused: its text may well be fine.
		 */
		public TokenUsage consistent() {
			Set<Count> clamped = EnumSet.noneOf(Count.class);
			long input = sum(this.inputParts, Count.INPUT, clamped);
			long output = sum(this.outputParts, Count.OUTPUT, clamped);
			long cached = this.cachedInputTokens;
			if (cached < 0 || cached > input) {
				clamped.add(Count.INPUT);
				cached = 0;
			}
			return new TokenUsage(input, output, cached, clamped);
		}

		/**
		 * The parts added up, at most the largest long, each negative one read as 0 and
		 * its count marked.
		 */
		private static long sum(List<Long> parts, Count count, Set<Count> clamped) {
			long sum = 0;
			for (long part : parts) {
				if (part < 0) {
					clamped.add(count);
				}
				else {
					sum = (sum > Long.MAX_VALUE - part) ? Long.MAX_VALUE : sum + part;
				}
			}
			return sum;
		}

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
