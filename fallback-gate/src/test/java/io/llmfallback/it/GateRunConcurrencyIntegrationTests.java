package io.llmfallback.it;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With write access granted, one gate run per chain at a time: while a run is in
 * progress, every other request for the same chain gets 409 naming it and calls no
 * provider; once it ends, the next run goes.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=llmfallback",
		"management.endpoint.llmfallback.access=unrestricted",
		"llm.fallback.chains.summarize.gate-corpus=classpath:gate/corpus.jsonl" })
@Import(GateRunConcurrencyIntegrationTests.ScriptedProviders.class)
class GateRunConcurrencyIntegrationTests extends AbstractGateApplicationTests {

	private static final int CORPUS_SIZE = 10;

	/** Holds every provider answer until the test releases it. */
	static final Sinks.Empty<Void> release = Sinks.empty();

	static final ScriptedProvider gpt = ScriptedProvider.of("gpt", (request) -> answerAfterRelease("gpt"));

	static final ScriptedProvider claude = ScriptedProvider.of("claude", (request) -> answerAfterRelease("claude"));

	@LocalServerPort
	private int port;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@Test
	void aSecondRunOfTheSameChainIsRefusedWhileTheFirstIsInProgress() {
		WebClient client = this.webClientBuilder.baseUrl("http://127.0.0.1:" + this.port).build();
		Mono<ResponseEntity<String>> first = post(client).cache();
		first.subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> !gpt.received().isEmpty());

		List<ResponseEntity<String>> refused = Flux.fromStream(IntStream.range(0, 20).mapToObj((i) -> post(client)))
			.flatMap((request) -> request)
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(refused).hasSize(20).allSatisfy((response) -> {
			assertThat(response.getStatusCode().value()).isEqualTo(409);
			assertThat(response.getBody()).contains("\"chain\":\"summarize\"")
				.contains("A compatibility gate run of chain 'summarize' is in progress since")
				.contains("\"runInProgressSince\"");
		});
		release.tryEmitEmpty();
		assertThat(first.block(Duration.ofSeconds(10)).getStatusCode().value()).isEqualTo(200);
		// Only the one run called the providers: every corpus line once on each.
		assertThat(gpt.received()).hasSize(CORPUS_SIZE);
		assertThat(claude.received()).hasSize(CORPUS_SIZE);

		// The run ended, so the next one goes.
		assertThat(post(client).block(Duration.ofSeconds(10)).getStatusCode().value()).isEqualTo(200);
		assertThat(gpt.received()).hasSize(2 * CORPUS_SIZE);
	}

	private static Mono<ResponseEntity<String>> post(WebClient client) {
		return client.post()
			.uri("/actuator/llmfallback/summarize")
			.exchangeToMono((response) -> response.toEntity(String.class));
	}

	private static Mono<ChatResponse> answerAfterRelease(String provider) {
		return release.asMono()
			.then(Mono.fromSupplier(() -> new ChatResponse("an answer of " + provider, "stop", new TokenUsage(10, 5),
					provider, "model-" + provider, Duration.ofMillis(5))));
	}

	/**
	 * In place of the WireMock servers: answers the test holds until it releases them.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ScriptedProviders {

		@Bean
		LlmProviders llmProviders() {
			return new LlmProviders(List.of(gpt, claude));
		}

	}

}
