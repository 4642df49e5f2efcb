package io.llmfallback.sample.simulator;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A fault as JSON: {@code {"status":503}}, {@code {"latencyMs":3000}}, {@code {"hang":true}}, or a status
 * with a latency for a slow error.
 *
 * @param status the error status to answer with
 * @param latencyMs how long to wait before answering
 * @param hang whether never to answer
 */
record FaultBody(@Nullable Integer status, @Nullable Long latencyMs, @Nullable Boolean hang) {

	static FaultBody of(Fault fault) {
		return new FaultBody(fault.status(), fault.latency().toMillis(), fault.hang());
	}

	boolean isEmpty() {
		return this.status == null && this.latencyMs == null && this.hang == null;
	}

	/**
	 * The fault this body describes.
	 * @throws IllegalArgumentException when it is not a valid fault
	 */
	Fault toFault() {
		return new Fault(this.status, Duration.ofMillis((this.latencyMs != null) ? this.latencyMs : 0),
				Boolean.TRUE.equals(this.hang));
	}

}
