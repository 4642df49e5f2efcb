package io.llmfallback.chain;

import java.util.Locale;

/**
 * Which provider served a logical request: the primary, a fallback, or none (the chain
 * failed).
 */
public enum ServedPath {

	PRIMARY, FALLBACK, NONE;

	/**
	 * {@code primary}, {@code fallback} or {@code none}, as in meter tags and span
	 * attributes.
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
