package io.llmfallback.provider.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream is read past its end-of-stream marker to the end of its body, so that its
 * connection goes back to the pool: cut short at {@code data: [DONE]}, every stream would
 * open a connection of its own, and pay a TCP and TLS handshake before its first chunk.
 */
class ProviderStreamConnectionReuseTest {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension().provider("gpt",
			WireProtocol.OPENAI);

	@Test
	void aStreamReadToItsEndLeavesItsConnectionToTheNextStream() {
		SimulatedProvider server = providers.get("gpt");
		server.answerWith("Hello there!");
		AtomicInteger connections = new AtomicInteger();
		WebClient.Builder countingConnections = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create()
				.doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())));
		LlmProvider gpt = LlmProviders.create(ProviderTestKit.settings(ProviderType.OPENAI, server.baseUrl().toString(),
				ProviderTestKit.API_KEY, 1024, Map.of()), countingConnections);

		for (int call = 0; call < 3; call++) {
			StepVerifier.create(gpt.stream(ChatRequest.ofUser("Hi")).map(ChatChunk::text).collectList())
				.assertNext((texts) -> assertThat(String.join("", texts)).isEqualTo("Hello there!"))
				.expectComplete()
				.verify(CALL_TIMEOUT);
		}
		assertThat(connections).hasValue(1);
	}

}
