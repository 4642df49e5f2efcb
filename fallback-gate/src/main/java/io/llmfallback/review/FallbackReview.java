package io.llmfallback.review;

import java.util.List;

import io.llmfallback.gate.DimensionVerdict;

/**
 * One fallback judged against the primary on the window's traffic.
 *
 * @param provider the fallback's configured name
 * @param verdict {@code PASS}, {@code FAIL} when an enforced dimension is beyond
 * tolerance, or {@code INSUFFICIENT_DATA}
 * @param summary one readable sentence
 * @param dimensions one verdict per dimension, as the compatibility gate gives them;
 * empty when there is not enough data
 */
public record FallbackReview(String provider, ReviewVerdict verdict, String summary,
		List<DimensionVerdict> dimensions) {

	public FallbackReview {
		dimensions = List.copyOf(dimensions);
	}

}
