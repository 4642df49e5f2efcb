package io.llmfallback.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A stream as a client read it, raw: its events as sent, and how the reading ended.
 *
 * @param status the HTTP status
 * @param contentType the response's content type
 * @param body what came, as text
 * @param headersMs when the headers came, in ms of {@link System#nanoTime()}
 * @param firstEventMs when the first byte of body came
 * @param error how the reading ended when it did not end with the body
 */
record Received(int status, String contentType, String body, long headersMs, long firstEventMs,
		@Nullable Throwable error) {

	/**
	 * Sends the request and reads the answer until it ends, breaks, or is quiet for two
	 * seconds.
	 */
	static Received read(WebClient.RequestHeadersSpec<?> request) {
		StringBuilder body = new StringBuilder();
		long[] firstEvent = { -1 };
		return request.exchangeToMono((response) -> {
			long headers = System.nanoTime() / 1_000_000;
			String type = response.headers().contentType().map(MediaType::toString).orElse("");
			int status = response.statusCode().value();
			return response.bodyToFlux(DataBuffer.class).timeout(Duration.ofSeconds(2)).doOnNext((buffer) -> {
				if (firstEvent[0] < 0 && buffer.readableByteCount() > 0) {
					firstEvent[0] = System.nanoTime() / 1_000_000;
				}
				body.append(buffer.toString(StandardCharsets.UTF_8));
				DataBufferUtils.release(buffer);
			})
				.then(Mono.<Throwable>empty())
				.onErrorResume(Mono::just)
				.map((error) -> new Received(status, type, body.toString(), headers, firstEvent[0], error))
				.switchIfEmpty(Mono
					.fromSupplier(() -> new Received(status, type, body.toString(), headers, firstEvent[0], null)));
		}).block(Duration.ofSeconds(10));
	}

	/** The events, each without its blank line. */
	List<String> events() {
		return Arrays.stream(this.body.split("\n\n")).filter((event) -> !event.isEmpty()).toList();
	}

	/**
	 * The JSON of an event's {@code data:} line, or a missing node when it is not JSON.
	 */
	static JsonNode data(String event) {
		String line = event.lines().filter((l) -> l.startsWith("data: ")).findFirst().orElseThrow();
		return WireFormat.parse(line.substring("data: ".length()));
	}

}
