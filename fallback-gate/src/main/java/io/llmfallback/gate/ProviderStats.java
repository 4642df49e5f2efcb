package io.llmfallback.gate;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * What one provider did with the corpus.
 *
 * @param provider the provider's configured name
 * @param model the provider's configured model
 * @param primary whether it is the chain's primary, the baseline every fallback is
 * compared with
 * @param calls corpus lines sent (the corpus size)
 * @param successes calls that were answered
 * @param failures calls that failed or timed out
 * @param failureRate {@code failures / calls}
 * @param failuresByCategory failures by category wire name, e.g. {@code server-error=2}
 * @param outputLength output length in characters over the answers, or {@code null}
 * without any
 * @param schemaChecked answers checked against a schema (lines with one, or all lines
 * under a chain-level contract schema)
 * @param schemaCompliant how many of those satisfied it
 * @param schemaCompliance {@code schemaCompliant / schemaChecked}, or {@code null} when
 * none was checked
 * @param fieldCoverage mean share of the schema's top-level properties present, or
 * {@code null} when no checked answer had a schema declaring properties
 * @param toolCalls tool calls in the answers
 * @param validToolCalls how many of those have arguments that are JSON valid against
 * their tool's parameters schema
 * @param toolArgumentValidity {@code validToolCalls / toolCalls}, or {@code null} without
 * any tool call
 * @param toolLinesCompared corpus lines with tools that both this provider and the
 * primary answered
 * @param toolLinesAgreed how many of those this provider answered as the primary did
 * @param toolCallAgreement {@code toolLinesAgreed / toolLinesCompared} (1 for the
 * primary), or {@code null} when none was compared
 * @param latencyMs latency of the answered calls in milliseconds, or {@code null} without
 * any
 * @param inputTokens prompt tokens over every call, billed failures included
 * @param outputTokens completion tokens over every call, billed failures included
 * @param priced whether the gate had a price for this provider
 * @param totalCost what those tokens cost in USD
 * @param costPerRequest {@code totalCost / calls}
 * @param lines one result per corpus line, in corpus order
 */
public record ProviderStats(String provider, String model, boolean primary, int calls, int successes, int failures,
		double failureRate, Map<String, Integer> failuresByCategory, @Nullable Distribution outputLength,
		int schemaChecked, int schemaCompliant, @Nullable Double schemaCompliance, @Nullable Double fieldCoverage,
		int toolCalls, int validToolCalls, @Nullable Double toolArgumentValidity, int toolLinesCompared,
		int toolLinesAgreed, @Nullable Double toolCallAgreement, @Nullable Distribution latencyMs, long inputTokens,
		long outputTokens, boolean priced, BigDecimal totalCost, BigDecimal costPerRequest, List<LineResult> lines) {

	public ProviderStats {
		failuresByCategory = Collections.unmodifiableMap(new TreeMap<>(failuresByCategory));
		lines = List.copyOf(lines);
	}

	/** The value this provider has on a dimension, or {@code null} when it has none. */
	public @Nullable Double value(GateDimension dimension) {
		return switch (dimension) {
			case MEAN_LENGTH -> (this.outputLength != null) ? this.outputLength.mean() : null;
			case P95_LENGTH -> (this.outputLength != null) ? this.outputLength.p95() : null;
			case SCHEMA_COMPLIANCE -> this.schemaCompliance;
			case FIELD_COVERAGE -> this.fieldCoverage;
			case FAILURE_RATE -> this.failureRate;
			case P95_LATENCY -> (this.latencyMs != null) ? this.latencyMs.p95() : null;
			case COST_PER_REQUEST -> this.priced ? this.costPerRequest.doubleValue() : null;
			case TOOL_CALL_AGREEMENT -> this.toolCallAgreement;
		};
	}

}
