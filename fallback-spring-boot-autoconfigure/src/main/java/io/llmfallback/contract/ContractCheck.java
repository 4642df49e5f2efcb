package io.llmfallback.contract;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The result of checking one answer against an output contract.
 *
 * @param violations what is wrong, empty when the answer complies
 * @param schemaCompliant whether the output is valid against the schema, {@code null}
 * without one
 * @param fieldCoverage the share of the schema's top-level properties the output has,
 * {@code null} without a schema that declares properties
 */
public record ContractCheck(List<String> violations, @Nullable Boolean schemaCompliant,
		@Nullable Double fieldCoverage) {

	/** No contract to check. */
	public static final ContractCheck UNCHECKED = new ContractCheck(List.of(), null, null);

	public ContractCheck {
		violations = List.copyOf(violations);
	}

	public boolean passed() {
		return this.violations.isEmpty();
	}

	/**
	 * This check together with another of the same answer (a chain's contract and a typed
	 * result's mapping): every violation of both; compliant only if both are; this
	 * check's field coverage unless it has none.
	 */
	public ContractCheck and(ContractCheck other) {
		List<String> all = new ArrayList<>(this.violations);
		all.addAll(other.violations);
		Boolean compliant = (this.schemaCompliant == null) ? other.schemaCompliant : (other.schemaCompliant == null)
				? this.schemaCompliant : Boolean.valueOf(this.schemaCompliant && other.schemaCompliant);
		return new ContractCheck(all, compliant,
				(this.fieldCoverage != null) ? this.fieldCoverage : other.fieldCoverage);
	}

}
