package io.llmfallback.test;

import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated model behaves when nothing is wrong: how long it takes to answer, and
 * how verbose it is. Two providers that differ here are what makes a failover visible in
 * the fallback signals: the fallback path is slower (fallback-path P95) and its answers
 * shorter (output-length delta) than the primary's; asked for JSON, a terser model also
 * finds fewer keywords, and on some tickets none (see {@code Completion}), which the
 * compatibility gate shows as lower schema compliance and field coverage.
 *
 * @param latency how long every answer takes, before any injected latency
 * @param echoPercent how much of the prompt the answer echoes, in percent of its words,
 * rounded up
 */
public record ModelProfile(Duration latency, int echoPercent) {

	/**
	 * Answers at once, echoing the whole prompt: what a test wants unless it measures
	 * time or length.
	 */
	public static final ModelProfile INSTANT = new ModelProfile(Duration.ZERO, 100);

	public ModelProfile {
		Objects.requireNonNull(latency, "latency");
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency cannot be negative, was " + latency.toMillis() + " ms");
		}
		if (echoPercent < 1 || echoPercent > 100) {
			throw new IllegalArgumentException("echoPercent must be 1 to 100, was " + echoPercent);
		}
	}

	/** This profile with another latency. */
	public ModelProfile withLatency(Duration latency) {
		return new ModelProfile(latency, this.echoPercent);
	}

}
