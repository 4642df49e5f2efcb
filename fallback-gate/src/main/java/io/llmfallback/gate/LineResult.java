package io.llmfallback.gate;

import java.math.BigDecimal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one provider answered to one corpus line. The answer's text is not kept: only what
 * was measured.
 *
 * @param id the corpus line's id
 * @param line the corpus line number (0 for entries built in code)
 * @param success whether an answer came
 * @param length the answer's length in characters (code points), or {@code null} on
 * failure
 * @param schemaCompliant whether the answer satisfied the line's schema; {@code null} on
 * failure or without a schema
 * @param fieldCoverage the share of the schema's top-level properties the answer has;
 * {@code null} on failure, without a schema, or when the schema declares no properties
 * @param latencyMs how long the call took, measured by the gate from subscription to
 * answer or failure
 * @param inputTokens prompt tokens billed (a failure's billed tokens when the provider
 * reported any)
 * @param outputTokens completion tokens billed
 * @param cost what the tokens cost in USD
 * @param failureCategory the failure's category ({@code server-error},
 * {@code timeout}...), or {@code null} on success
 * @param error what went wrong (never an API key: provider messages are redacted), or
 * {@code null}
 * @param violations the first violations of the answer: of the schema, and of the tool
 * schemas by its tool calls' arguments; empty when it has none
 * @param toolCalls the names of the tools the answer called, in its order; empty when it
 * called none or on failure
 * @param validToolCalls how many of those calls have arguments that are JSON valid
 * against their tool's parameters schema
 * @param toolCallAgreement on a line with tools answered by both, whether the answer
 * agrees with the primary's (the same tools called with valid arguments, or text for
 * text); {@code true} for the primary's own answers to such lines, {@code null} for lines
 * without tools or that either did not answer
 */
public record LineResult(String id, int line, boolean success, @Nullable Integer length,
		@Nullable Boolean schemaCompliant, @Nullable Double fieldCoverage, double latencyMs, long inputTokens,
		long outputTokens, BigDecimal cost, @Nullable String failureCategory, @Nullable String error,
		List<String> violations, List<String> toolCalls, int validToolCalls, @Nullable Boolean toolCallAgreement) {

	public LineResult {
		violations = List.copyOf(violations);
		toolCalls = List.copyOf(toolCalls);
	}

	/** This result judged against the primary's answer to the same line. */
	public LineResult withToolCallAgreement(@Nullable Boolean toolCallAgreement) {
		return new LineResult(this.id, this.line, this.success, this.length, this.schemaCompliant, this.fieldCoverage,
				this.latencyMs, this.inputTokens, this.outputTokens, this.cost, this.failureCategory, this.error,
				this.violations, this.toolCalls, this.validToolCalls, toolCallAgreement);
	}

}
