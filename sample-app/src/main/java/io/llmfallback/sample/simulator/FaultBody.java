package io.llmfallback.sample.simulator;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A fault as JSON: {@code {"status":503}}, {@code {"latencyMs":3000}}, {@code {"hang":true}}, a status with
 * a latency for a slow error, and any of them with a {@code rate} for a partial outage:
 * {@code {"status":503,"rate":0.25}}.
 *
 * @param status the error status to answer with
 * @param latencyMs how long to wait, beyond the usual, before answering
 * @param hang whether never to answer
 * @param rate the share of requests the fault applies to; all when absent
 */
record FaultBody(@Nullable Integer status, @Nullable Long latencyMs, @Nullable Boolean hang, @Nullable Double rate) {

	static FaultBody of(Fault fault) {
		return new FaultBody(fault.status(), fault.latency().toMillis(), fault.hang(), fault.rate());
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
				Boolean.TRUE.equals(this.hang), (this.rate != null) ? this.rate : 1);
	}

}
