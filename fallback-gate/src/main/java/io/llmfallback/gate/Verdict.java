package io.llmfallback.gate;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** The gate's judgement of one dimension, one fallback or the whole run. */
public enum Verdict {

	/** Within tolerance. */
	PASS,

	/** Beyond tolerance. */
	FAIL,

	/**
	 * Nothing to compare: no line with a schema, no pricing, no answer from the primary.
	 */
	NOT_APPLICABLE;

	/** The kebab-case name used in JSON, e.g. {@code not-applicable}. */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
