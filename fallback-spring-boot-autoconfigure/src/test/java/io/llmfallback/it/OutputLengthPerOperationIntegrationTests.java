package io.llmfallback.it;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.Scrape;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Two operations of one chain whose fallback drifts in opposite directions, over real HTTP: {@code summarize}
 * answers 21.6% longer on the fallback, {@code classify} 47.4% shorter. Weighed by fallback count they would
 * read +2.8% and no alert would fire; the starter compares them one by one.
 */
@SpringBootTest(classes = OutputLengthPerOperationIntegrationTests.TestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=llmfallback,prometheus",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.chains.assist.providers=gpt,claude" })
@AutoConfigureWebTestClient
class OutputLengthPerOperationIntegrationTests {

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension secondary = WireMockProviders.server();

	@Autowired
	private FallbackChains chains;

	@Autowired
	private WebTestClient webClient;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", secondary::baseUrl);
	}

	@Test
	void eachOperationHasItsOwnDeltaAndTheOneThatDriftsMostFiresTheAlert() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("p".repeat(500), 100, 100)));
		primary.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("FAIL"))
			.willReturn(OpenAiStubs.error(500, "server_error", "", "The server had an error")));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("s".repeat(608), 100, 120)));
		secondary.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("classify"))
			.willReturn(OpenAiStubs.completion("c".repeat(263), 100, 50)));

		// 30 primary-served requests per operation; 8 fallback-served for summarize, 3 for classify, never two
		// failures in a row so that the primary's breaker stays closed.
		send("summarize", 30, 8);
		send("classify", 30, 3);

		double summarizeDelta = (608.0 - 500.0) / 500.0;
		double classifyDelta = (263.0 - 500.0) / 500.0;
		this.webClient.get()
			.uri("/actuator/llmfallback/assist")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.outputLengthDelta").isEqualTo(classifyDelta)
			.jsonPath("$.outputLengthDeltaByOperation.summarize").isEqualTo(summarizeDelta)
			.jsonPath("$.outputLengthDeltaByOperation.classify").isEqualTo(classifyDelta)
			.jsonPath("$.signals.outputLengthOperation").isEqualTo("classify")
			.jsonPath("$.alerts[?(@.signal == 'output-length-delta')].firing").isEqualTo(List.of(true))
			.jsonPath("$.alerts[?(@.signal == 'output-length-delta')].operation").isEqualTo(List.of("classify"))
			.jsonPath("$.alerts[?(@.signal == 'activation-rate')].operation").isEqualTo(Collections.singletonList(null));

		Scrape scrape = Scrape.parse(this.webClient.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		assertThat(signal(scrape, "")).isCloseTo(classifyDelta, within(1e-12));
		assertThat(signal(scrape, "summarize")).isCloseTo(summarizeDelta, within(1e-12));
		assertThat(signal(scrape, "classify")).isCloseTo(classifyDelta, within(1e-12));
		assertThat(scrape.labels("llm_fallback_signal")).containsOnlyKeys("chain", "signal", "operation");
		assertThat(scrape.labels("llm_fallback_output_length_count").get("operation"))
			.containsExactlyInAnyOrder("summarize", "classify");
		assertThat(scrape.sum("llm_fallback_output_length_count",
				Scrape.labels(Map.of("operation", "classify", "path", "fallback"))))
			.isEqualTo(3);
	}

	private void send(String operation, int primaries, int fallbacks) {
		int every = primaries / fallbacks;
		Flux.range(0, primaries + fallbacks)
			.concatMap((i) -> this.chains.chain("assist")
				.chat(ChatRequest.ofUser(((i % (every + 1) == 0 && i / (every + 1) < fallbacks) ? "FAIL " : "")
						+ operation + " document " + i), operation))
			.blockLast();
	}

	private static double signal(Scrape scrape, String operation) {
		List<Scrape.Sample> samples = scrape.samples("llm_fallback_signal")
			.stream()
			.filter((sample) -> sample.labels()
				.equals(Map.of("chain", "assist", "signal", "output-length-delta", "operation", operation)))
			.toList();
		assertThat(samples).as(operation).hasSize(1);
		return samples.get(0).value();
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
