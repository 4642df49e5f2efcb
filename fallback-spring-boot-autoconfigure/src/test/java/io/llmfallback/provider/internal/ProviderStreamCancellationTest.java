package io.llmfallback.provider.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller that cancels a stream cancels the provider's request: the connection closes,
 * so that the provider stops generating (and billing) an answer nobody reads; and a
 * stream whose body stays open past the end-of-stream marker ends all the same, its
 * connection closed. A server of its own, as WireMock cannot hold a stream open.
 */
class ProviderStreamCancellationTest {

	private final CountDownLatch connectionClosed = new CountDownLatch(1);

	private final AtomicBoolean streamCompleted = new AtomicBoolean();

	/**
	 * The events after the first: never sent unless a test sends them, so that the stream
	 * stays open.
	 */
	private final Sinks.Many<String> rest = Sinks.many().unicast().onBackpressureBuffer();

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	@Test
	void cancellingTheStreamClosesTheConnectionToTheProvider() throws InterruptedException {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> connection.onDispose(this.connectionClosed::countDown))
			.route((routes) -> routes.post("/v1/messages",
					(request, response) -> response.header("Content-Type", "text/event-stream")
						.sendString(Flux
							.just("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
									+ "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n")
							.concatWith(this.rest.asFlux())
							.doOnComplete(() -> this.streamCompleted.set(true)), StandardCharsets.UTF_8)))
			.bindNow();
		LlmProvider claude = ProviderTestKit.provider(ProviderType.ANTHROPIC, "http://127.0.0.1:" + this.server.port());

		StepVerifier.create(claude.stream(ChatRequest.ofUser("Hi")))
			.expectNext(new ChatChunk("Hello", null, null, null))
			.thenCancel()
			.verify(CALL_TIMEOUT);

		assertThat(this.connectionClosed.await(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.as("the provider's connection closed after the caller cancelled")
			.isTrue();
		assertThat(this.streamCompleted).isFalse();
	}

	@Test
	void aBodyLeftOpenAfterTheEndOfStreamMarkerEndsTheStreamAllTheSame() throws InterruptedException {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> connection.onDispose(this.connectionClosed::countDown))
			.route((routes) -> routes.post("/v1/chat/completions",
					(request, response) -> response.header("Content-Type", "text/event-stream")
						.sendString(Flux.just(ProviderTestKit.fixture("openai/chat-completion-stream.sse"))
							.concatWith(this.rest.asFlux()), StandardCharsets.UTF_8)))
			.bindNow();
		LlmProvider gpt = ProviderTestKit.provider(ProviderType.OPENAI, "http://127.0.0.1:" + this.server.port());

		StepVerifier.create(gpt.stream(ChatRequest.ofUser("Hi")).map(ChatChunk::text).collectList())
			.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
			.expectComplete()
			.verify(CALL_TIMEOUT);
		assertThat(this.connectionClosed.await(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.as("the connection the provider held open was closed")
			.isTrue();
	}

}
