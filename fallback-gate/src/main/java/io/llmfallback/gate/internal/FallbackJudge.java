package io.llmfallback.gate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.llmfallback.gate.DimensionVerdict;
import io.llmfallback.gate.Distribution;
import io.llmfallback.gate.FallbackVerdict;
import io.llmfallback.gate.GateDimension;
import io.llmfallback.gate.GateTolerances;
import io.llmfallback.gate.ProviderStats;
import io.llmfallback.gate.Verdict;
import org.jspecify.annotations.Nullable;

/**
 * Judges a fallback's measurements against the primary's within {@link GateTolerances},
 * one {@link DimensionVerdict} per {@link GateDimension}. The compatibility gate judges
 * what a corpus replay measured with it, and the review of live traffic what the chain
 * served, so that both read the same.
 */
public final class FallbackJudge {

	private final GateTolerances tolerances;

	public FallbackJudge(GateTolerances tolerances) {
		this.tolerances = Objects.requireNonNull(tolerances, "tolerances");
	}

	/**
	 * Every dimension of the fallback against the primary; {@code FAIL} when an enforced
	 * one is beyond tolerance.
	 */
	public FallbackVerdict judge(ProviderStats primary, ProviderStats fallback) {
		List<DimensionVerdict> dimensions = new ArrayList<>();
		for (GateDimension dimension : GateDimension.values()) {
			dimensions.add(judge(dimension, primary, fallback));
		}
		boolean fails = dimensions.stream().anyMatch(DimensionVerdict::failsGate);
		return new FallbackVerdict(fallback.provider(), fails ? Verdict.FAIL : Verdict.PASS, dimensions);
	}

	private DimensionVerdict judge(GateDimension dimension, ProviderStats primary, ProviderStats fallback) {
		Double base = primary.value(dimension);
		Double value = fallback.value(dimension);
		double tolerance = this.tolerances.tolerance(dimension);
		boolean enforced = this.tolerances.enforces(dimension);
		String notApplicable = notApplicable(dimension, primary, fallback, base, value);
		if (notApplicable != null) {
			return verdict(fallback, dimension, base, value, null, tolerance, enforced, Verdict.NOT_APPLICABLE,
					notApplicable);
		}
		Objects.requireNonNull(base);
		if (value == null) {
			// The primary has a measure here and the fallback none: nothing it answered
			// can be used for it.
			return verdict(fallback, dimension, base, null, null, tolerance, enforced, Verdict.FAIL,
					"no answer to measure");
		}
		double divergence = switch (dimension.scale()) {
			case RELATIVE -> (base == 0) ? 0 : (value - base) / base;
			case ABSOLUTE -> value - base;
		};
		divergence = Figures.round(divergence, 6);
		double counted = switch (dimension.direction()) {
			case EITHER -> Math.abs(divergence);
			case LOWER_IS_WORSE -> -divergence;
			case HIGHER_IS_WORSE -> divergence;
		};
		// A divergence equal to the tolerance passes, whatever floating point makes of
		// 0.15.
		Verdict verdict = (counted > tolerance + 1e-9) ? Verdict.FAIL : Verdict.PASS;
		return verdict(fallback, dimension, base, value, divergence, tolerance, enforced, verdict, null);
	}

	private static @Nullable String notApplicable(GateDimension dimension, ProviderStats primary,
			ProviderStats fallback, @Nullable Double base, @Nullable Double value) {
		if (dimension == GateDimension.COST_PER_REQUEST && (!primary.priced() || !fallback.priced())) {
			return !primary.priced() ? "no price for " + primary.provider() : "no price for " + fallback.provider();
		}
		if (base == null) {
			return switch (dimension) {
				case SCHEMA_COMPLIANCE -> (primary.schemaChecked() == 0 && fallback.schemaChecked() == 0)
						? "no answer to a line with a schema" : "the primary answered no line with a schema";
				case FIELD_COVERAGE -> "no answer to a schema that declares properties";
				case TOOL_CALL_AGREEMENT -> "no answer of the primary to a line with tools";
				default -> "the primary answered no request";
			};
		}
		if (dimension.scale() == GateDimension.Scale.RELATIVE && base == 0 && value != null && value != 0) {
			return "the primary's value is 0";
		}
		return null;
	}

	private static DimensionVerdict verdict(ProviderStats fallback, GateDimension dimension, @Nullable Double base,
			@Nullable Double value, @Nullable Double divergence, double tolerance, boolean enforced, Verdict verdict,
			@Nullable String reason) {
		return new DimensionVerdict(dimension, base, value, divergence, tolerance, enforced, verdict, GateReportRenderer
			.summary(fallback.provider(), dimension, base, value, divergence, tolerance, enforced, verdict, reason));
	}

}
