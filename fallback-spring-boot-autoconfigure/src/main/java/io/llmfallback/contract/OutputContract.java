package io.llmfallback.contract;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.llmfallback.contract.internal.JsonOutput;
import io.llmfallback.model.ChatResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a chain's output must look like, whichever provider serves it: valid against a
 * JSON Schema (draft 2020-12), within a length range, and not cut off by the token limit.
 * A fallback model that answers in another shape is then caught at the door instead of
 * downstream.
 *
 * @param schema the JSON Schema the output must satisfy, or {@code null} for free text
 * @param minLength the fewest characters the output may have, or {@code null}
 * @param maxLength the most characters the output may have, or {@code null}
 * @param requireComplete whether an output the token limit cut off ({@code length},
 * {@code max_tokens}) breaks the contract
 * @param onViolation what the chain does with a violating answer
 */
public record OutputContract(@Nullable Schema schema, @Nullable Integer minLength, @Nullable Integer maxLength,
		boolean requireComplete, OnViolation onViolation) {

	/** No contract: every answer is accepted as it is. */
	public static final OutputContract NONE = new OutputContract(null, null, null, false, OnViolation.NEXT_PROVIDER);

	/** What a chain does with an answer that breaks its contract. */
	public enum OnViolation {

		/**
		 * Treat it as a failure of that provider (category {@code contract-violation})
		 * and move on.
		 */
		NEXT_PROVIDER,

		/** Serve it, marked as violating in the response, meters and span. */
		ACCEPT_AND_FLAG

	}

	/**
	 * Reads a JSON Schema.
	 * @throws IllegalArgumentException when the text is not a schema
	 */
	public static Schema parseSchema(String schemaJson) {
		try {
			return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaJson);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Not a JSON Schema: " + ex.getMessage(), ex);
		}
	}

	public boolean isEmpty() {
		return this.schema == null && this.minLength == null && this.maxLength == null && !this.requireComplete;
	}

	/** Checks one answer against the contract. */
	public ContractCheck check(ChatResponse response) {
		if (isEmpty()) {
			return ContractCheck.UNCHECKED;
		}
		List<String> violations = new ArrayList<>();
		String text = response.text();
		if (this.minLength != null && text.length() < this.minLength) {
			violations.add("output has " + text.length() + " characters, fewer than " + this.minLength);
		}
		if (this.maxLength != null && text.length() > this.maxLength) {
			violations.add("output has " + text.length() + " characters, more than " + this.maxLength);
		}
		if (this.requireComplete && response.isTruncated()) {
			violations.add("output was cut off by the token limit (finish reason " + response.finishReason() + ")");
		}
		Double coverage = null;
		Boolean compliant = null;
		if (this.schema != null) {
			JsonNode output = JsonOutput.parse(text);
			if (output == null) {
				violations.add("output is not JSON");
				compliant = false;
				coverage = 0.0;
			}
			else {
				List<Error> errors = this.schema.validate(output);
				errors.forEach((error) -> violations.add("schema: " + where(error) + error.getMessage()));
				compliant = errors.isEmpty();
				coverage = fieldCoverage(this.schema.getSchemaNode(), output);
			}
		}
		return new ContractCheck(violations, compliant, coverage);
	}

	/**
	 * Where in the output the error is, {@code /sentiment }, or nothing for the output as
	 * a whole.
	 */
	private static String where(Error error) {
		String location = String.valueOf(error.getInstanceLocation());
		return location.isEmpty() ? "" : location + " ";
	}

	/**
	 * The share of the schema's top-level properties that the output has; {@code null}
	 * when it declares none.
	 */
	private static @Nullable Double fieldCoverage(JsonNode schema, JsonNode output) {
		JsonNode properties = schema.path("properties");
		if (!properties.isObject() || properties.isEmpty()) {
			return null;
		}
		int declared = 0;
		int present = 0;
		for (Iterator<String> names = properties.propertyNames().iterator(); names.hasNext();) {
			String name = names.next();
			declared++;
			if (output.isObject() && output.has(name)) {
				present++;
			}
		}
		return (double) present / declared;
	}

}
