package io.llmfallback.sample.simulator;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a simulated provider misbehaves: it waits {@code latency} before answering, then answers with the
 * error {@code status} in its own wire format, or normally when there is none; or it never answers at all.
 *
 * @param status the HTTP error status to answer with (400 to 599), or {@code null} to answer normally
 * @param latency how long to wait before answering
 * @param hang whether to read the request and never answer
 */
public record Fault(@Nullable Integer status, Duration latency, boolean hang) {

	/** A healthy provider. */
	public static final Fault NONE = new Fault(null, Duration.ZERO, false);

	public Fault {
		Objects.requireNonNull(latency, "latency");
		if (status != null && (status < 400 || status > 599)) {
			throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), was " + status);
		}
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency cannot be negative, was " + latency.toMillis() + " ms");
		}
		if (hang && (status != null || !latency.isZero())) {
			throw new IllegalArgumentException("a hanging provider never answers: hang takes no status or latency");
		}
	}

	/** Whether this is no fault at all. */
	public boolean isNone() {
		return equals(NONE);
	}

}
