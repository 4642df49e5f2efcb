package io.llmfallback.gate;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the gate compares between a fallback and the primary. Each dimension says how its
 * divergence is measured ({@link Scale}) and which way of diverging counts against the
 * fallback ({@link Direction}).
 */
public enum GateDimension {

	/** Mean output length in characters (code points) over the successful answers. */
	MEAN_LENGTH("mean output length", Scale.RELATIVE, Direction.EITHER),

	/**
	 * 95th percentile of output length in characters: the long tail downstream buffers
	 * and UIs see.
	 */
	P95_LENGTH("p95 output length", Scale.RELATIVE, Direction.EITHER),

	/** Share of the answers to lines with a schema that are valid JSON satisfying it. */
	SCHEMA_COMPLIANCE("schema compliance", Scale.ABSOLUTE, Direction.LOWER_IS_WORSE),

	/**
	 * Mean share of the schema's top-level properties present in the answers to lines
	 * with a schema.
	 */
	FIELD_COVERAGE("field coverage", Scale.ABSOLUTE, Direction.LOWER_IS_WORSE),

	/** Share of the corpus the provider failed to answer (error or timeout). */
	FAILURE_RATE("failure rate", Scale.ABSOLUTE, Direction.HIGHER_IS_WORSE),

	/** 95th percentile of the latency measured around each successful call. */
	P95_LATENCY("p95 latency", Scale.RELATIVE, Direction.HIGHER_IS_WORSE),

	/**
	 * Total cost (successful and billed failed calls) divided by the number of corpus
	 * requests.
	 */
	COST_PER_REQUEST("cost per request", Scale.RELATIVE, Direction.HIGHER_IS_WORSE),

	/**
	 * Share of the lines with tools, answered by both, where the fallback does what the
	 * primary did: calls the same tools (as a multiset, in any order) with arguments
	 * valid against their schemas, or answers text as the primary did. The primary's is
	 * 1.
	 */
	TOOL_CALL_AGREEMENT("tool-call agreement", Scale.ABSOLUTE, Direction.LOWER_IS_WORSE);

	/** How a divergence is measured. */
	public enum Scale {

		/**
		 * {@code (fallback - primary) / primary}: {@code -0.4} is 40% less than the
		 * primary.
		 */
		RELATIVE,

		/**
		 * {@code fallback - primary} of a rate between 0 and 1: {@code -0.5} is 50
		 * percentage points less.
		 */
		ABSOLUTE

	}

	/** Which divergence counts against the fallback. */
	public enum Direction {

		/** Both more and less than the primary. */
		EITHER,

		/**
		 * Only less than the primary: a fallback more compliant than the primary is fine.
		 */
		LOWER_IS_WORSE,

		/** Only more than the primary: a cheaper or faster fallback is fine. */
		HIGHER_IS_WORSE

	}

	private final String label;

	private final Scale scale;

	private final Direction direction;

	GateDimension(String label, Scale scale, Direction direction) {
		this.label = label;
		this.scale = scale;
		this.direction = direction;
	}

	/** How reports name it, e.g. {@code mean output length}. */
	public String label() {
		return this.label;
	}

	public Scale scale() {
		return this.scale;
	}

	public Direction direction() {
		return this.direction;
	}

	/** The kebab-case name used in JSON and properties, e.g. {@code mean-length}. */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The dimension of that kebab-case (or constant) name, e.g. {@code p95-latency}.
	 * @throws IllegalArgumentException when there is none
	 */
	@JsonCreator
	public static GateDimension fromWireName(String name) {
		String constant = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
		for (GateDimension dimension : values()) {
			if (dimension.name().equals(constant)) {
				return dimension;
			}
		}
		throw new IllegalArgumentException("No gate dimension '" + name + "'; expected one of "
				+ Arrays.stream(values()).map(GateDimension::wireName).toList());
	}

}
