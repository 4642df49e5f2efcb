package io.llmfallback.provider.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The event-stream rules the providers' bodies are split by, on the edges HTTP chunking
 * produces.
 */
class SseReaderTest {

	private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	@Test
	void anEventSplitAcrossBuffersAtEveryByteIsReadWhole() {
		byte[] body = "event: content_block_delta\ndata: {\"text\":\"h\u00e9llo \u4e16\u754c\"}\n\n"
			.getBytes(StandardCharsets.UTF_8);
		SseReader reader = new SseReader(1024, 4096);
		List<HttpLlmProvider.StreamEvent> events = new ArrayList<>();
		for (byte b : body) {
			events.addAll(reader.read(buffer(new byte[] { b })));
		}
		assertThat(events).containsExactly(
				new HttpLlmProvider.StreamEvent("content_block_delta", "{\"text\":\"h\u00e9llo \u4e16\u754c\"}"));
	}

	@Test
	void crlfAndLoneCrEndLinesLikeLf() {
		assertThat(read("data: a\r\n\r\ndata: b\r\rdata: c\n\n")).containsExactly(event("a"), event("b"), event("c"));
	}

	@Test
	void aCrlfSplitBetweenBuffersIsOneLineEnd() {
		SseReader reader = new SseReader(1024, 4096);
		List<HttpLlmProvider.StreamEvent> events = new ArrayList<>(reader.read(buffer("data: a\r")));
		events.addAll(reader.read(buffer("\n\r")));
		events.addAll(reader.read(buffer("\ndata: b\n\n")));
		assertThat(events).containsExactly(event("a"), event("b"));
	}

	@Test
	void commentsAreIgnoredAndDataLinesJoinWithLineFeeds() {
		assertThat(read(": keep-alive\ndata: first\n: another\ndata:second\ndata\n\n"))
			.containsExactly(event("first\nsecond\n"));
	}

	@Test
	void otherFieldsAndEventsWithoutDataDispatchNothing() {
		assertThat(read("id: 7\nretry: 100\n\nevent: ping\n\ndata: x\n\n")).containsExactly(event("x"));
	}

	@Test
	void anUnfinishedEventAtTheEndOfTheBodyIsNotAnEvent() {
		assertThat(read("data: done\n\ndata: cut")).containsExactly(event("done"));
	}

	@Test
	void onlyOneSpaceAfterTheColonIsDropped() {
		assertThat(read("data:  two\n\n")).containsExactly(event(" two"));
	}

	@Test
	void aLineWithoutEndPastTheEventCapFailsAtOnce() {
		SseReader reader = new SseReader(16, 1024);
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> reader.read(buffer("data: " + "x".repeat(20))))
			.withMessage("stream event larger than the 16 bytes cap on one event");
	}

	@Test
	void theEventCapCountsOneEventNotTheStream() {
		SseReader reader = new SseReader(16, 1024);
		assertThat(reader.read(buffer("data: 0123456\n\n".repeat(10)))).hasSize(10);
	}

	@Test
	void theStreamCapCountsEveryByte() {
		SseReader reader = new SseReader(16, 40);
		reader.read(buffer("data: 0123456\n\n".repeat(2)));
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> reader.read(buffer("data: 0123456\n\n")))
			.withMessage("stream larger than the 40 bytes cap on one streamed answer");
	}

	private static List<HttpLlmProvider.StreamEvent> read(String body) {
		return new SseReader(1024, 4096).read(buffer(body));
	}

	private static HttpLlmProvider.StreamEvent event(String data) {
		return new HttpLlmProvider.StreamEvent("message", data);
	}

	private static DataBuffer buffer(String text) {
		return buffer(text.getBytes(StandardCharsets.UTF_8));
	}

	private static DataBuffer buffer(byte[] bytes) {
		return BUFFERS.wrap(Arrays.copyOf(bytes, bytes.length));
	}

}
