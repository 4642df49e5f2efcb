package io.llmfallback.it;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.observe.AlertTransition;
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
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * 1,000 logical requests over real HTTP, of which a known share falls over, with known
 * token counts, prices and output lengths: the signals in {@code /actuator/llmfallback}
 * and in the Prometheus scrape must equal what this test computes. A second chain,
 * {@code assist}, on providers of its own (same servers, other models, no prices), has
 * two operations whose fallback drifts in opposite directions.
 */
@SpringBootTest(classes = SignalsGroundTruthIntegrationTests.GroundTruthApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=llmfallback,prometheus",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.50",
				"llm.fallback.providers.gpt.pricing.output-per-million-tokens=10.00",
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.providers.claude.pricing.input-per-million-tokens=3.00",
				"llm.fallback.providers.claude.pricing.output-per-million-tokens=15.00",
				"llm.fallback.chains.summarize.providers=gpt,claude", "llm.fallback.providers.gpt-assist.type=openai",
				"llm.fallback.providers.gpt-assist.model=assist-primary",
				"llm.fallback.providers.claude-assist.type=openai",
				"llm.fallback.providers.claude-assist.model=assist-fallback",
				"llm.fallback.chains.assist.providers=gpt-assist,claude-assist" })
@AutoConfigureWebTestClient
class SignalsGroundTruthIntegrationTests {

	private static final int REQUESTS = 1000;

	private static final String PRIMARY_TEXT = "p".repeat(500);

	private static final String FALLBACK_TEXT = "f".repeat(300);

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension secondary = WireMockProviders.server();

	@Autowired
	private FallbackChains chains;

	@Autowired
	private WebTestClient webClient;

	@Autowired
	private GroundTruthApplication application;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", secondary::baseUrl);
		registry.add("llm.fallback.providers.gpt-assist.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude-assist.base-url", secondary::baseUrl);
	}

	@Test
	void everySignalEqualsTheGroundTruthThroughTheEndpointAndThePrometheusScrape() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion(PRIMARY_TEXT, 1000, 200)));
		// One request in fourteen fails on the primary: never three in a row, so the
		// breaker stays closed.
		primary.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("FAIL"))
			.willReturn(OpenAiStubs.error(500, "server_error", "", "The server had an error")));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion(FALLBACK_TEXT, 1200, 150)));

		Flux.range(0, REQUESTS)
			.flatMap((i) -> this.chains.chain("summarize")
				.chat(ChatRequest.ofUser(((i % 14 == 0) ? "FAIL " : "") + "document " + i), "summarize"), 8)
			.blockLast();

		long fallbacks = (REQUESTS + 13) / 14;
		long primaries = REQUESTS - fallbacks;
		BigDecimal primaryCost = cost(1000, 200, "2.50", "10.00");
		BigDecimal fallbackCost = cost(1200, 150, "3.00", "15.00");
		BigDecimal totalCost = primaryCost.multiply(BigDecimal.valueOf(primaries))
			.add(fallbackCost.multiply(BigDecimal.valueOf(fallbacks)));
		double activationRate = (double) fallbacks / REQUESTS;
		BigDecimal costPerRequest = totalCost.divide(BigDecimal.valueOf(REQUESTS), 10, RoundingMode.HALF_UP);
		double lengthDelta = (300.0 - 500.0) / 500.0;

		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.requests")
			.isEqualTo(REQUESTS)
			.jsonPath("$.fallbackActivations")
			.isEqualTo((int) fallbacks)
			.jsonPath("$.activationRate")
			.isEqualTo(activationRate)
			.jsonPath("$.outputLengthDelta")
			.isEqualTo(lengthDelta)
			.jsonPath("$.signals.primaryMeanOutputLength")
			.isEqualTo(500.0)
			.jsonPath("$.signals.fallbackMeanOutputLength")
			.isEqualTo(300.0)
			.jsonPath("$.blendedCostPerRequestUsd")
			.value((Number value) -> assertThat(new BigDecimal(value.toString())).isEqualByComparingTo(costPerRequest))
			.jsonPath("$.alerts[?(@.signal == 'activation-rate')].firing")
			.isEqualTo(List.of(true))
			.jsonPath("$.alerts[?(@.signal == 'output-length-delta')].firing")
			.isEqualTo(List.of(true))
			.jsonPath("$.alerts[?(@.signal == 'blended-cost-ratio')].firing")
			.isEqualTo(List.of(false));

		Scrape scrape = scrape();
		assertThat(sample(scrape, "llm_fallback_signal", Map.of("chain", "summarize", "signal", "activation-rate")))
			.isEqualTo(activationRate);
		// The chain's value, and the same for its one operation.
		assertThat(sample(scrape, "llm_fallback_signal",
				Map.of("chain", "summarize", "signal", "output-length-delta", "operation", "")))
			.isCloseTo(lengthDelta, within(1e-9));
		assertThat(sample(scrape, "llm_fallback_signal",
				Map.of("chain", "summarize", "signal", "output-length-delta", "operation", "summarize")))
			.isCloseTo(lengthDelta, within(1e-9));
		assertThat(sample(scrape, "llm_fallback_requests_total", Map.of("chain", "summarize", "path", "fallback")))
			.isEqualTo(fallbacks);
		assertThat(sample(scrape, "llm_fallback_requests_total", Map.of("chain", "summarize", "path", "primary")))
			.isEqualTo(primaries);
		double scrapedCost = sample(scrape, "llm_fallback_cost_total", Map.of("provider", "gpt"))
				+ sample(scrape, "llm_fallback_cost_total", Map.of("provider", "claude"));
		assertThat(BigDecimal.valueOf(scrapedCost).setScale(2, RoundingMode.HALF_UP))
			.isEqualByComparingTo(totalCost.setScale(2, RoundingMode.HALF_UP));
		assertThat(sample(scrape, "llm_fallback_output_length_sum", Map.of("chain", "summarize", "path", "fallback")))
			.isEqualTo(300.0 * fallbacks);
		assertThat(sample(scrape, "gen_ai_client_token_usage_sum",
				Map.of("gen_ai_request_model", "claude-compatible", "gen_ai_token_type", "output")))
			.isEqualTo(150.0 * fallbacks);
		assertThat(
				sample(scrape, "llm_fallback_alert_firing", Map.of("chain", "summarize", "signal", "activation-rate")))
			.isEqualTo(1.0);
		assertThat(scrape.metricNames()).contains("llm_fallback_request_duration_seconds_bucket",
				"gen_ai_client_operation_duration_seconds_bucket");

		// Each alert was announced once, however often it was evaluated.
		assertThat(this.application.transitions).filteredOn((t) -> t.alert().chain().equals("summarize"))
			.filteredOn((t) -> t.alert().signal().equals("activation-rate"))
			.hasSize(1);
		assertThat(this.application.transitions).filteredOn((t) -> t.alert().chain().equals("summarize"))
			.filteredOn((t) -> t.alert().signal().equals("output-length-delta"))
			.hasSize(1);
	}

	/**
	 * On chain {@code assist}, {@code summarize} answers 21.6% longer on the fallback and
	 * {@code classify} 47.4% shorter. Weighed by fallback count (8 and 3) they would read
	 * +2.8% and no alert would fire; the starter compares them one by one.
	 */
	@Test
	void eachOperationHasItsOwnOutputLengthDeltaAndTheOneThatDriftsMostFiresTheAlert() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("p".repeat(500), 100, 100)));
		primary.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("FAIL"))
			.willReturn(OpenAiStubs.error(500, "server_error", "", "The server had an error")));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("s".repeat(608), 100, 120)));
		secondary.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("classify"))
			.willReturn(OpenAiStubs.completion("c".repeat(263), 100, 50)));

		// 30 primary-served requests per operation; 8 fallback-served for summarize, 3
		// for classify, never two failures in a row so that the primary's breaker stays
		// closed.
		sendToAssist("summarize", 30, 8);
		sendToAssist("classify", 30, 3);

		double summarizeDelta = (608.0 - 500.0) / 500.0;
		double classifyDelta = (263.0 - 500.0) / 500.0;
		this.webClient.get()
			.uri("/actuator/llmfallback/assist")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.outputLengthDelta")
			.isEqualTo(classifyDelta)
			.jsonPath("$.outputLengthDeltaByOperation.summarize")
			.isEqualTo(summarizeDelta)
			.jsonPath("$.outputLengthDeltaByOperation.classify")
			.isEqualTo(classifyDelta)
			.jsonPath("$.signals.outputLengthOperation")
			.isEqualTo("classify")
			.jsonPath("$.alerts[?(@.signal == 'output-length-delta')].firing")
			.isEqualTo(List.of(true))
			.jsonPath("$.alerts[?(@.signal == 'output-length-delta')].operation")
			.isEqualTo(List.of("classify"))
			.jsonPath("$.alerts[?(@.signal == 'activation-rate')].operation")
			.isEqualTo(Collections.singletonList(null));

		Scrape scrape = scrape();
		assertThat(assistLengthDelta(scrape, "")).isCloseTo(classifyDelta, within(1e-12));
		assertThat(assistLengthDelta(scrape, "summarize")).isCloseTo(summarizeDelta, within(1e-12));
		assertThat(assistLengthDelta(scrape, "classify")).isCloseTo(classifyDelta, within(1e-12));
		assertThat(scrape.labels("llm_fallback_signal")).containsOnlyKeys("chain", "signal", "operation");
		assertThat(sample(scrape, "llm_fallback_output_length_count",
				Map.of("chain", "assist", "operation", "classify", "path", "fallback")))
			.isEqualTo(3);
	}

	private void sendToAssist(String operation, int primaries, int fallbacks) {
		int every = primaries / fallbacks;
		Flux.range(0, primaries + fallbacks)
			.concatMap((i) -> this.chains.chain("assist")
				.chat(ChatRequest.ofUser(((i % (every + 1) == 0 && i / (every + 1) < fallbacks) ? "FAIL " : "")
						+ operation + " document " + i), operation))
			.blockLast();
	}

	private static double assistLengthDelta(Scrape scrape, String operation) {
		List<Scrape.Sample> samples = scrape.samples("llm_fallback_signal")
			.stream()
			.filter((sample) -> sample.labels()
				.equals(Map.of("chain", "assist", "signal", "output-length-delta", "operation", operation)))
			.toList();
		assertThat(samples).as(operation).hasSize(1);
		return samples.get(0).value();
	}

	private Scrape scrape() {
		return Scrape.parse(this.webClient.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	private static BigDecimal cost(long input, long output, String inputPrice, String outputPrice) {
		return new BigDecimal(inputPrice).multiply(BigDecimal.valueOf(input))
			.add(new BigDecimal(outputPrice).multiply(BigDecimal.valueOf(output)))
			.divide(BigDecimal.valueOf(1_000_000));
	}

	/**
	 * The value of that metric summed over the samples whose labels include the given
	 * ones; fails when none do.
	 */
	private static double sample(Scrape scrape, String metric, Map<String, String> labels) {
		assertThat(scrape.labels(metric)).as(metric).isNotEmpty();
		return scrape.sum(metric, Scrape.labels(labels));
	}

	@SpringBootApplication
	static class GroundTruthApplication {

		final List<AlertTransition> transitions = new CopyOnWriteArrayList<>();

		@EventListener
		void onAlert(AlertTransition transition) {
			this.transitions.add(transition);
		}

	}

}
