package io.llmfallback.validation.internal;

import java.util.Set;

/**
 * Where each chain's fallbacks stand against their compatibility gate, as the endpoint
 * and the health indicator read it. The fallback-gate module provides it; without that
 * module no bean implements it, and neither shows a validation.
 */
public interface FallbackValidations {

	/** The chains that have a gate corpus: the only ones a gate run can validate. */
	Set<String> chainsWithCorpus();

	/**
	 * The chain's latest validation; {@link FallbackValidation#UNVALIDATED} until a gate
	 * run judged it.
	 */
	FallbackValidation of(String chain);

}
