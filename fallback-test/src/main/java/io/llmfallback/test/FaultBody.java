package io.llmfallback.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A fault as JSON, the body of a fault-injection HTTP API such as the sample's {@code PUT
 * /simulator/{provider}/fault}: {@code {"status":503}}, {@code {"latencyMs":3000}},
 * {@code {"hang":true}}, a status with a latency for a slow error, and any of them with a
 * {@code rate} for a partial outage: {@code {"status":503,"rate":0.25}}. A streamed
 * answer breaks with one of {@code cutAfterChunks}, {@code stallAfterChunks},
 * {@code errorAfterChunks}, {@code malformedAfterChunks} and {@code noTerminator}, and
 * starts late with {@code firstChunkDelayMs}: {@code {"cutAfterChunks":2}},
 * {@code {"firstChunkDelayMs":3000}}. {@code {"contextLength":true}} is the real API's
 * context-length error, a 400.
 *
 * @param status the error status to answer with
 * @param latencyMs how long to wait, beyond the usual, before answering
 * @param hang whether never to answer
 * @param rate the share of requests the fault applies to; all when absent
 * @param cutAfterChunks how many chunks of text a stream sends before its connection is
 * closed
 * @param stallAfterChunks how many chunks of text a stream sends before it sends nothing
 * more, held open
 * @param errorAfterChunks how many chunks of text a stream sends before the provider's
 * error event
 * @param malformedAfterChunks how many chunks of text a stream sends before an event that
 * is not JSON
 * @param noTerminator whether a stream ends without the provider's end-of-stream event
 * @param firstChunkDelayMs how long a stream waits, once its headers are sent, before its
 * first event
 * @param contextLength whether to answer the real API's context-length error, a 400 (the
 * status, when given, must be 400)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultBody(@Nullable Integer status, @Nullable Long latencyMs, @Nullable Boolean hang,
		@Nullable Double rate, @Nullable Integer cutAfterChunks, @Nullable Integer stallAfterChunks,
		@Nullable Integer errorAfterChunks, @Nullable Integer malformedAfterChunks, @Nullable Boolean noTerminator,
		@Nullable Long firstChunkDelayMs, @Nullable Boolean contextLength) {

	/** The fault as JSON, every field of its kind of fault given. */
	public static FaultBody of(Fault fault) {
		StreamFault stream = fault.stream();
		StreamFault.Kind kind = stream.kind();
		Integer after = stream.afterChunks();
		return new FaultBody(fault.status(), fault.latency().toMillis(), fault.hang(), fault.rate(),
				(kind == StreamFault.Kind.CUT) ? after : null, (kind == StreamFault.Kind.STALL) ? after : null,
				(kind == StreamFault.Kind.ERROR_EVENT) ? after : null,
				(kind == StreamFault.Kind.MALFORMED) ? after : null,
				(kind == StreamFault.Kind.NO_TERMINATOR) ? Boolean.TRUE : null,
				stream.firstChunkDelay().isZero() ? null : stream.firstChunkDelay().toMillis(),
				fault.contextLength() ? Boolean.TRUE : null);
	}

	/**
	 * Whether it names no fault at all: {@code {}}, or only a rate. Not a field of the
	 * JSON.
	 */
	@JsonIgnore
	public boolean isEmpty() {
		return this.status == null && this.latencyMs == null && this.hang == null && this.cutAfterChunks == null
				&& this.stallAfterChunks == null && this.errorAfterChunks == null && this.malformedAfterChunks == null
				&& !Boolean.TRUE.equals(this.noTerminator) && this.firstChunkDelayMs == null
				&& !Boolean.TRUE.equals(this.contextLength);
	}

	/**
	 * The fault this body describes.
	 * @throws IllegalArgumentException when it is not a valid fault, naming the field at
	 * fault
	 */
	public Fault toFault() {
		boolean contextLength = Boolean.TRUE.equals(this.contextLength);
		Integer status = (contextLength && this.status == null) ? Integer.valueOf(400) : this.status;
		return new Fault(status, Duration.ofMillis((this.latencyMs != null) ? this.latencyMs : 0),
				Boolean.TRUE.equals(this.hang), (this.rate != null) ? this.rate : 1, streamFault(), contextLength);
	}

	private StreamFault streamFault() {
		Map<String, Integer> breaks = new LinkedHashMap<>();
		put(breaks, "cutAfterChunks", this.cutAfterChunks);
		put(breaks, "stallAfterChunks", this.stallAfterChunks);
		put(breaks, "errorAfterChunks", this.errorAfterChunks);
		put(breaks, "malformedAfterChunks", this.malformedAfterChunks);
		if (Boolean.TRUE.equals(this.noTerminator)) {
			breaks.put("noTerminator", 0);
		}
		if (breaks.size() > 1) {
			throw new IllegalArgumentException("a stream breaks one way: give one of cutAfterChunks, "
					+ "stallAfterChunks, errorAfterChunks, malformedAfterChunks and noTerminator, not "
					+ String.join(" and ", breaks.keySet()));
		}
		long delay = (this.firstChunkDelayMs != null) ? this.firstChunkDelayMs : 0;
		if (delay < 0) {
			throw new IllegalArgumentException("firstChunkDelayMs must be 0 or more, was " + delay);
		}
		StreamFault.Kind kind = breaks.keySet().stream().findFirst().map(FaultBody::kind).orElse(StreamFault.Kind.NONE);
		return new StreamFault(kind, breaks.values().stream().findFirst().orElse(0), Duration.ofMillis(delay));
	}

	private static void put(Map<String, Integer> breaks, String field, @Nullable Integer afterChunks) {
		if (afterChunks == null) {
			return;
		}
		if (afterChunks < 0) {
			throw new IllegalArgumentException(field + " must be 0 or more, was " + afterChunks);
		}
		breaks.put(field, afterChunks);
	}

	private static StreamFault.Kind kind(String field) {
		return switch (field) {
			case "cutAfterChunks" -> StreamFault.Kind.CUT;
			case "stallAfterChunks" -> StreamFault.Kind.STALL;
			case "errorAfterChunks" -> StreamFault.Kind.ERROR_EVENT;
			case "malformedAfterChunks" -> StreamFault.Kind.MALFORMED;
			default -> StreamFault.Kind.NO_TERMINATOR;
		};
	}

}
