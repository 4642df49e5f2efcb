package io.llmfallback.validation.internal;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Whether a chain's fallbacks are known to be semantically safe: the outcome of the
 * chain's latest compatibility gate run. The fallback-gate module runs the gates and
 * fills it in; the endpoint and the health indicator show it.
 *
 * @param status {@code unvalidated} until a gate run judged the chain, then
 * {@code passed} or {@code failed}
 * @param checkedAt when the latest run ended (ISO-8601 UTC), {@code null} when none did
 * @param corpusSize requests the latest run replayed, 0 when none ran
 * @param findings why the latest run failed, or why it could not run; empty otherwise
 */
public record FallbackValidation(Status status, @Nullable String checkedAt, int corpusSize, List<String> findings) {

	/** A chain no gate run has judged yet. */
	public static final FallbackValidation UNVALIDATED = new FallbackValidation(Status.UNVALIDATED, null, 0, List.of());

	public FallbackValidation {
		findings = List.copyOf(findings);
	}

	/**
	 * A gate run that ended without a report leaves the chain unvalidated, saying why.
	 */
	public static FallbackValidation notRun(String reason) {
		return new FallbackValidation(Status.UNVALIDATED, null, 0, List.of(reason));
	}

	/** Where a chain's fallbacks stand. */
	public enum Status {

		/**
		 * No gate run has judged the fallbacks: they may answer in another shape or
		 * length.
		 */
		UNVALIDATED,

		/** The latest gate run passed every enforced dimension. */
		PASSED,

		/** The latest gate run found a fallback beyond tolerance. */
		FAILED;

		/** The kebab-case name used in JSON. */
		@JsonValue
		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
