package io.llmfallback.gate;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How far each fallback may diverge from the primary, per {@link GateDimension}, and
 * which dimensions decide the verdict. Relative dimensions are fractions of the primary's
 * value ({@code 0.15} = 15%), absolute ones are fractions of a rate ({@code 0.15} = 15
 * percentage points). A divergence equal to the tolerance passes.
 *
 * <p>
 * {@link #DEFAULTS}: 15% on every dimension except p95 latency, which allows {@code 1.0}
 * (a fallback up to twice as slow as the primary at p95: fallbacks are often smaller or
 * farther models, and a replay's latency is noisy). The semantic dimensions (mean and p95
 * length, schema compliance, field coverage, tool-call agreement) and the failure rate
 * are <em>enforced</em>: any of them beyond tolerance fails the gate. Latency and cost
 * per request are <em>informational</em> by default: reported with a verdict that does
 * not decide the overall one, since they say nothing about whether downstream code can
 * use the answer. Either can be enforced with {@link #enforcing}.
 *
 * @param meanLength allowed relative divergence of mean output length, either way
 * @param p95Length allowed relative divergence of p95 output length, either way
 * @param schemaCompliance allowed drop of the schema compliance rate, in absolute terms
 * @param fieldCoverage allowed drop of mean field coverage, in absolute terms
 * @param failureRate allowed rise of the failure rate, in absolute terms
 * @param p95Latency allowed relative rise of p95 latency
 * @param costPerRequest allowed relative rise of cost per request
 * @param toolCallAgreement allowed drop of the tool-call agreement rate, in absolute
 * terms
 * @param enforced the dimensions whose verdict decides the overall one
 */
public record GateTolerances(double meanLength, double p95Length, double schemaCompliance, double fieldCoverage,
		double failureRate, double p95Latency, double costPerRequest, double toolCallAgreement,
		Set<GateDimension> enforced) {

	/** The default tolerance of every dimension but latency. */
	public static final double DEFAULT_TOLERANCE = 0.15;

	/** The default tolerance of p95 latency: up to twice the primary's. */
	public static final double DEFAULT_LATENCY_TOLERANCE = 1.0;

	/** The dimensions enforced by default. */
	public static final Set<GateDimension> DEFAULT_ENFORCED = Collections.unmodifiableSet(
			EnumSet.of(GateDimension.MEAN_LENGTH, GateDimension.P95_LENGTH, GateDimension.SCHEMA_COMPLIANCE,
					GateDimension.FIELD_COVERAGE, GateDimension.FAILURE_RATE, GateDimension.TOOL_CALL_AGREEMENT));

	public static final GateTolerances DEFAULTS = new GateTolerances(DEFAULT_TOLERANCE, DEFAULT_TOLERANCE,
			DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, DEFAULT_LATENCY_TOLERANCE, DEFAULT_TOLERANCE,
			DEFAULT_TOLERANCE, DEFAULT_ENFORCED);

	public GateTolerances {
		check("meanLength", meanLength);
		check("p95Length", p95Length);
		check("schemaCompliance", schemaCompliance);
		check("fieldCoverage", fieldCoverage);
		check("failureRate", failureRate);
		check("p95Latency", p95Latency);
		check("costPerRequest", costPerRequest);
		check("toolCallAgreement", toolCallAgreement);
		enforced = copy(enforced);
	}

	/** The tolerance of one dimension. */
	public double tolerance(GateDimension dimension) {
		return switch (dimension) {
			case MEAN_LENGTH -> this.meanLength;
			case P95_LENGTH -> this.p95Length;
			case SCHEMA_COMPLIANCE -> this.schemaCompliance;
			case FIELD_COVERAGE -> this.fieldCoverage;
			case FAILURE_RATE -> this.failureRate;
			case P95_LATENCY -> this.p95Latency;
			case COST_PER_REQUEST -> this.costPerRequest;
			case TOOL_CALL_AGREEMENT -> this.toolCallAgreement;
		};
	}

	/** Whether the dimension's verdict decides the overall one. */
	public boolean enforces(GateDimension dimension) {
		return this.enforced.contains(dimension);
	}

	/** These tolerances with one dimension's changed. */
	public GateTolerances with(GateDimension dimension, double tolerance) {
		return new GateTolerances((dimension == GateDimension.MEAN_LENGTH) ? tolerance : this.meanLength,
				(dimension == GateDimension.P95_LENGTH) ? tolerance : this.p95Length,
				(dimension == GateDimension.SCHEMA_COMPLIANCE) ? tolerance : this.schemaCompliance,
				(dimension == GateDimension.FIELD_COVERAGE) ? tolerance : this.fieldCoverage,
				(dimension == GateDimension.FAILURE_RATE) ? tolerance : this.failureRate,
				(dimension == GateDimension.P95_LATENCY) ? tolerance : this.p95Latency,
				(dimension == GateDimension.COST_PER_REQUEST) ? tolerance : this.costPerRequest,
				(dimension == GateDimension.TOOL_CALL_AGREEMENT) ? tolerance : this.toolCallAgreement, this.enforced);
	}

	/** These tolerances with every dimension but p95 latency at the same value. */
	public GateTolerances withAll(double tolerance) {
		return new GateTolerances(tolerance, tolerance, tolerance, tolerance, tolerance, this.p95Latency, tolerance,
				tolerance, this.enforced);
	}

	/** These tolerances with the given dimensions enforced as well. */
	public GateTolerances enforcing(GateDimension... dimensions) {
		Set<GateDimension> enforced = EnumSet.noneOf(GateDimension.class);
		enforced.addAll(this.enforced);
		enforced.addAll(Arrays.asList(dimensions));
		return withEnforced(enforced);
	}

	/** These tolerances with the given dimensions reported but not enforced. */
	public GateTolerances informational(GateDimension... dimensions) {
		Set<GateDimension> enforced = EnumSet.noneOf(GateDimension.class);
		enforced.addAll(this.enforced);
		Arrays.asList(dimensions).forEach(enforced::remove);
		return withEnforced(enforced);
	}

	/** These tolerances with exactly these dimensions enforced. */
	public GateTolerances withEnforced(Collection<GateDimension> enforced) {
		return new GateTolerances(this.meanLength, this.p95Length, this.schemaCompliance, this.fieldCoverage,
				this.failureRate, this.p95Latency, this.costPerRequest, this.toolCallAgreement, Set.copyOf(enforced));
	}

	private static void check(String name, double tolerance) {
		if (!Double.isFinite(tolerance) || tolerance < 0) {
			throw new IllegalArgumentException("Gate tolerance " + name + " must be 0 or more, was " + tolerance);
		}
	}

	// In declaration order, so that reports list them the same way every time.
	private static Set<GateDimension> copy(Collection<GateDimension> dimensions) {
		Set<GateDimension> copy = EnumSet.noneOf(GateDimension.class);
		copy.addAll(dimensions);
		return Collections.unmodifiableSet(copy);
	}

}
