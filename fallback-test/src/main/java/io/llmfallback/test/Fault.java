package io.llmfallback.test;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a simulated provider misbehaves: it waits {@code latency} on top of its usual
 * answer time, then answers with the error {@code status} in its own wire format, or
 * normally when there is none; or it never answers at all. With a {@code rate} below 1
 * only that share of requests misbehaves, evenly spread (a rate of 0.25 is every fourth
 * request), so that a partial outage is as reproducible as a full one. A request for a
 * stream meets the same status or hang, before any event; answered, its stream goes as
 * the {@link StreamFault} says. A 400 can be the real API's context-length error, the
 * refusal of a prompt longer than the model's context window, which a chain treats apart
 * from other bad requests.
 *
 * @param status the HTTP error status to answer with (400 to 599), or {@code null} to
 * answer normally
 * @param latency how long to wait, beyond the usual, before answering
 * @param hang whether to read the request and never answer
 * @param rate the share of requests the fault applies to, above 0 and at most 1
 * @param stream how a streamed answer misbehaves
 * @param contextLength whether the status, a 400, is the real API's context-length error
 * rather than its generic bad request
 */
public record Fault(@Nullable Integer status, Duration latency, boolean hang, double rate, StreamFault stream,
		boolean contextLength) {

	/** A healthy provider. */
	public static final Fault NONE = new Fault(null, Duration.ZERO, false);

	public Fault {
		Objects.requireNonNull(latency, "latency");
		Objects.requireNonNull(stream, "stream");
		if (status != null && (status < 400 || status > 599)) {
			throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), was " + status);
		}
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency cannot be negative, was " + latency.toMillis() + " ms");
		}
		if (hang && (status != null || !latency.isZero())) {
			throw new IllegalArgumentException("a hanging provider never answers: hang takes no status or latency");
		}
		if (!(rate > 0 && rate <= 1)) {
			throw new IllegalArgumentException("rate must be above 0 and at most 1, was " + rate);
		}
		if (!stream.isNone() && (status != null || hang)) {
			throw new IllegalArgumentException(
					"a provider answering a status or hanging sends no stream: a stream fault takes no status or hang");
		}
		if (contextLength && (status == null || status != 400)) {
			throw new IllegalArgumentException("a context-length error is a 400, was " + status);
		}
	}

	/** A fault that applies to that share of requests, streams included. */
	public Fault(@Nullable Integer status, Duration latency, boolean hang, double rate, StreamFault stream) {
		this(status, latency, hang, rate, stream, false);
	}

	/**
	 * A fault of the answer, not of the stream, that applies to that share of requests.
	 */
	public Fault(@Nullable Integer status, Duration latency, boolean hang, double rate) {
		this(status, latency, hang, rate, StreamFault.NONE);
	}

	/** A stream that misbehaves in every request. */
	public Fault(StreamFault stream) {
		this(null, Duration.ZERO, false, 1, stream);
	}

	/** A fault that applies to every request. */
	public Fault(@Nullable Integer status, Duration latency, boolean hang) {
		this(status, latency, hang, 1);
	}

	/**
	 * Every request answered with this error status (400 to 599), in the provider's wire
	 * format.
	 */
	public static Fault ofStatus(int status) {
		return new Fault(status, Duration.ZERO, false);
	}

	/** Every request answered normally, this much later than usual. */
	public static Fault ofLatency(Duration latency) {
		return new Fault(null, latency, false);
	}

	/**
	 * Every request answered with the real API's context-length error, a 400: OpenAI's
	 * {@code context_length_exceeded}, Anthropic's "prompt is too long", Google's "input
	 * token count exceeds the maximum".
	 */
	public static Fault contextLengthExceeded() {
		return new Fault(400, Duration.ZERO, false, 1, StreamFault.NONE, true);
	}

	/** Every request read and never answered: only the caller's timeout ends it. */
	public static Fault hanging() {
		return new Fault(null, Duration.ZERO, true);
	}

	/**
	 * This fault on that share of requests only, evenly spread: 0.25 is every fourth
	 * request.
	 */
	public Fault atRate(double rate) {
		return new Fault(this.status, this.latency, this.hang, rate, this.stream, this.contextLength);
	}

	/** Whether this is no fault at all. */
	public boolean isNone() {
		return equals(NONE);
	}

	/**
	 * Whether the fault applies to the request of that number: always at rate 1, else to
	 * {@code floor(n * rate)} of the first {@code n} requests, so that faulted requests
	 * are evenly spread.
	 * @param request the request's number since the fault was injected, from 1
	 */
	boolean appliesTo(long request) {
		return this.rate >= 1 || Math.floor(request * this.rate) > Math.floor((request - 1) * this.rate);
	}

}
