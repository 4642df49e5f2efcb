package io.llmfallback.review;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A setting that the traffic of the window suggests changing.
 *
 * @param kind what is calibrated
 * @param setting the property to change, e.g. {@code llm.fallback.providers.gpt.timeout}
 * @param observed what the figure is, e.g. {@code gpt p99 latency}
 * @param observedMs the figure, in milliseconds
 * @param configuredMs the setting's value now
 * @param suggestedMs what the figure suggests setting it to
 * @param reason why, in one sentence
 */
public record CalibrationHint(Kind kind, String setting, String observed, long observedMs, long configuredMs,
		long suggestedMs, String reason) {

	/** What a hint calibrates. */
	public enum Kind {

		/** A provider's timeout against the p99 latency of its answers. */
		PROVIDER_TIMEOUT,

		/**
		 * A chain's latency budget against the primary's timeout plus a fallback's p95
		 * latency.
		 */
		LATENCY_BUDGET,

		/** A breaker's failure window against the pace of the primary's calls. */
		BREAKER_FAILURE_WINDOW;

		/** The kebab-case name used in JSON, e.g. {@code provider-timeout}. */
		@JsonValue
		public String wireName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
