package io.llmfallback.review;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** The review's judgement of one fallback or of the whole chain. */
public enum ReviewVerdict {

	/** Within tolerance of the primary on every enforced dimension. */
	PASS,

	/**
	 * Beyond tolerance on an enforced dimension, or no baseline: the primary answered
	 * nothing.
	 */
	FAIL,

	/** Too few calls in the window, to the fallback or to the primary, to judge. */
	INSUFFICIENT_DATA;

	/** The kebab-case name used in JSON, e.g. {@code insufficient-data}. */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
