package io.llmfallback.gate;

import org.jspecify.annotations.Nullable;

/**
 * One fallback judged against the primary on one dimension.
 *
 * @param dimension what was compared
 * @param primary the primary's value, or {@code null} when it has none
 * @param fallback the fallback's value, or {@code null} when it has none
 * @param divergence relative ({@code (fallback - primary) / primary}) or absolute
 * ({@code fallback - primary}) as the dimension's scale says; {@code null} when it could
 * not be computed
 * @param tolerance the allowed divergence in the direction that counts
 * @param enforced whether this verdict decides the overall one; informational otherwise
 * @param verdict the judgement
 * @param summary one readable sentence, e.g.
 * {@code claude: mean output length -38.2% vs primary (tolerance 15%): FAIL}
 */
public record DimensionVerdict(GateDimension dimension, @Nullable Double primary, @Nullable Double fallback,
		@Nullable Double divergence, double tolerance, boolean enforced, Verdict verdict, String summary) {

	/** Whether this verdict fails the gate: an enforced dimension beyond tolerance. */
	public boolean failsGate() {
		return this.enforced && this.verdict == Verdict.FAIL;
	}

}
