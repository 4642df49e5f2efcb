package io.llmfallback.gate.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.llmfallback.review.internal.ReviewSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/** The periodic review: the gate's figures from live traffic, with calibration hints. */
@ConfigurationProperties("llm.fallback.review")
public class LlmFallbackReviewProperties {

	/** Rolling window of live traffic the review is computed over. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration window = ReviewSettings.DEFAULT_WINDOW;

	/** Calls a provider needs within the window before it is judged or calibrated. */
	private int minSamples = ReviewSettings.DEFAULT_MIN_SAMPLES;

	public Duration getWindow() {
		return this.window;
	}

	public void setWindow(Duration window) {
		this.window = window;
	}

	public int getMinSamples() {
		return this.minSamples;
	}

	public void setMinSamples(int minSamples) {
		this.minSamples = minSamples;
	}

}
