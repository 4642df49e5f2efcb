package io.llmfallback.provider.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Splits a {@code text/event-stream} body into its events as its buffers come, following
 * the WHATWG server-sent events rules the three providers use: lines end with CRLF, LF or
 * CR; a blank line ends an event; a line starting with {@code :} is a comment;
 * {@code event:} names the event and each {@code data:} line adds a line to its data;
 * other fields ({@code id}, {@code retry}) mean nothing to an LLM stream and are dropped.
 * A byte scanner, not a regex or a line codec: it holds no more than the event being
 * read, and counts every byte against two caps, one event's and the whole stream's,
 * failing with {@link ResponseTooLargeException} at the first byte past either (a server
 * that never sends a line end cannot make it buffer without bound). Not thread-safe: one
 * reader per stream, fed in order.
 */
final class SseReader {

	private final long maxEventBytes;

	private final long maxStreamBytes;

	private byte[] line = new byte[256];

	private int lineLength;

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private String type = "";

	private long eventBytes;

	private long streamBytes;

	/** A CR ended the last line: an LF right after it belongs to that line end. */
	private boolean afterCr;

	SseReader(long maxEventBytes, long maxStreamBytes) {
		this.maxEventBytes = maxEventBytes;
		this.maxStreamBytes = maxStreamBytes;
	}

	/**
	 * The events this buffer completes, in order; the buffer is read to its end and not
	 * released.
	 */
	List<HttpLlmProvider.StreamEvent> read(DataBuffer buffer) {
		int length = buffer.readableByteCount();
		this.streamBytes += length;
		if (this.streamBytes > this.maxStreamBytes) {
			throw new ResponseTooLargeException(ResponseTooLargeException.Limit.STREAM, this.maxStreamBytes);
		}
		List<HttpLlmProvider.StreamEvent> events = new ArrayList<>(2);
		int start = buffer.readPosition();
		for (int i = start; i < start + length; i++) {
			byte b = buffer.getByte(i);
			if (this.afterCr && b == '\n') {
				this.afterCr = false;
				continue;
			}
			this.afterCr = (b == '\r');
			if (++this.eventBytes > this.maxEventBytes) {
				throw new ResponseTooLargeException(ResponseTooLargeException.Limit.EVENT, this.maxEventBytes);
			}
			if (b == '\r' || b == '\n') {
				endLine(events);
			}
			else {
				if (this.lineLength == this.line.length) {
					this.line = Arrays.copyOf(this.line, this.lineLength * 2);
				}
				this.line[this.lineLength++] = b;
			}
		}
		buffer.readPosition(start + length);
		return events;
	}

	private void endLine(List<HttpLlmProvider.StreamEvent> events) {
		int length = this.lineLength;
		this.lineLength = 0;
		if (length == 0) {
			dispatch(events);
			return;
		}
		if (this.line[0] == ':') {
			return;
		}
		int colon = 0;
		while (colon < length && this.line[colon] != ':') {
			colon++;
		}
		int valueStart = Math.min(colon + 1, length);
		if (valueStart < length && this.line[valueStart] == ' ') {
			valueStart++;
		}
		if (isField("data", colon)) {
			this.data.append(new String(this.line, valueStart, length - valueStart, StandardCharsets.UTF_8))
				.append('\n');
			this.hasData = true;
		}
		else if (isField("event", colon)) {
			this.type = new String(this.line, valueStart, length - valueStart, StandardCharsets.UTF_8);
		}
	}

	private boolean isField(String name, int length) {
		if (length != name.length()) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (this.line[i] != name.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * An event without data is no event (the rules say so: a lone {@code event:} line
	 * dispatches nothing).
	 */
	private void dispatch(List<HttpLlmProvider.StreamEvent> events) {
		if (this.hasData) {
			this.data.setLength(this.data.length() - 1);
			events.add(
					new HttpLlmProvider.StreamEvent(this.type.isEmpty() ? "message" : this.type, this.data.toString()));
		}
		this.data.setLength(0);
		this.hasData = false;
		this.type = "";
		this.eventBytes = 0;
		if (this.line.length > 4096) {
			// One large event does not keep its buffer for the rest of the stream.
			this.line = new byte[256];
		}
	}

}
