package io.llmfallback.it;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.OpenAiStubs;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The periodic review over real HTTP: traffic through WireMock providers, then {@code GET
 * /actuator/llmfallback/{chain}/review} must hold the figures, verdicts and hints of that
 * traffic, and no API key.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=llmfallback",
		"llm.fallback.providers.gpt.api-key=" + TrafficReviewIntegrationTests.API_KEY,
		"llm.fallback.providers.gpt.timeout=60s", "llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.50",
		"llm.fallback.providers.gpt.pricing.output-per-million-tokens=10.00",
		"llm.fallback.providers.claude.api-key=" + TrafficReviewIntegrationTests.API_KEY,
		"llm.fallback.providers.claude.pricing.input-per-million-tokens=3.00",
		"llm.fallback.providers.claude.pricing.output-per-million-tokens=15.00",
		"llm.fallback.chains.summarize.latency-budget=60s", "llm.fallback.review.window=12h",
		"llm.fallback.review.min-samples=20", "llm.fallback.gate.tolerances.p95-latency=3" })
class TrafficReviewIntegrationTests extends AbstractGateApplicationTests {

	static final String API_KEY = "sk-proj-Rv7TOPSECRETreview0123456789";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private FallbackChains chains;

	@Test
	void theReviewHoldsTheFiguresVerdictsAndHintsOfTheTraffic() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("p".repeat(500), 100, 50)));
		secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("f".repeat(300), 100, 30)));
		send(20);
		// Three 500s open gpt's breaker: the other 17 requests skip it.
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		send(20);

		byte[] content = this.webClient.get()
			.uri("/actuator/llmfallback/summarize/review")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.chain")
			.isEqualTo("summarize")
			.jsonPath("$.windowMs")
			.isEqualTo(43_200_000)
			.jsonPath("$.minSamples")
			.isEqualTo(20)
			.jsonPath("$.requests")
			.isEqualTo(40)
			.jsonPath("$.fallbackActivations")
			.isEqualTo(20)
			.jsonPath("$.failures")
			.isEqualTo(0)
			.jsonPath("$.activationRate")
			.isEqualTo(0.5)
			.jsonPath("$.verdict")
			.isEqualTo("fail")
			.jsonPath("$.tolerances.meanLength")
			.isEqualTo(0.15)
			.jsonPath("$.tolerances.p95Latency")
			.isEqualTo(3.0)
			.jsonPath("$.primary.stats.provider")
			.isEqualTo("gpt")
			.jsonPath("$.primary.stats.model")
			.isEqualTo("gpt-4o")
			.jsonPath("$.primary.stats.calls")
			.isEqualTo(23)
			.jsonPath("$.primary.stats.successes")
			.isEqualTo(20)
			.jsonPath("$.primary.stats.failureRate")
			.isEqualTo(0.130435)
			.jsonPath("$.primary.stats.failuresByCategory.server-error")
			.isEqualTo(3)
			.jsonPath("$.primary.stats.outputLength.mean")
			.isEqualTo(500.0)
			.jsonPath("$.primary.stats.outputLength.p95")
			.isEqualTo(500.0)
			.jsonPath("$.primary.stats.inputTokens")
			.isEqualTo(2000)
			.jsonPath("$.primary.stats.outputTokens")
			.isEqualTo(1000)
			.jsonPath("$.primary.stats.totalCost")
			.isEqualTo(0.015)
			.jsonPath("$.primary.stats.costPerRequest")
			.isEqualTo(0.0006521739)
			.jsonPath("$.primary.skipped.short-circuited")
			.isEqualTo(17)
			.jsonPath("$.primary.sufficientData")
			.isEqualTo(true)
			.jsonPath("$.fallbacks[0].stats.provider")
			.isEqualTo("claude")
			.jsonPath("$.fallbacks[0].stats.calls")
			.isEqualTo(20)
			.jsonPath("$.fallbacks[0].stats.outputLength.mean")
			.isEqualTo(300.0)
			.jsonPath("$.fallbacks[0].stats.costPerRequest")
			.isEqualTo(0.00075)
			.jsonPath("$.verdicts[0].provider")
			.isEqualTo("claude")
			.jsonPath("$.verdicts[0].verdict")
			.isEqualTo("fail")
			.jsonPath("$.verdicts[0].dimensions[0].dimension")
			.isEqualTo("mean-length")
			.jsonPath("$.verdicts[0].dimensions[0].divergence")
			.isEqualTo(-0.4)
			.jsonPath("$.verdicts[0].dimensions[4].dimension")
			.isEqualTo("failure-rate")
			.jsonPath("$.verdicts[0].dimensions[4].verdict")
			.isEqualTo("pass")
			.jsonPath("$.findings")
			.isEqualTo(List.of("claude: mean output length -40.0% vs primary (tolerance 15%): FAIL",
					"claude: p95 output length -40.0% vs primary (tolerance 15%): FAIL"))
			.jsonPath("$.providers")
			.doesNotExist()
			.returnResult()
			.getResponseBody();
		assertThat(content).isNotNull();
		String body = new String(content, StandardCharsets.UTF_8);
		assertThat(body).doesNotContain(API_KEY).doesNotContain("Rv7");

		JsonNode review = JSON.readTree(body);
		JsonNode hints = review.path("hints");
		assertThat(hints.size()).isEqualTo(3);
		JsonNode gptTimeout = hints.get(0);
		assertThat(gptTimeout.path("kind").asString()).isEqualTo("provider-timeout");
		assertThat(gptTimeout.path("setting").asString()).isEqualTo("llm.fallback.providers.gpt.timeout");
		assertThat(gptTimeout.path("observedMs").asLong())
			.isEqualTo(review.path("primary").path("latencyP99Ms").asLong());
		assertThat(gptTimeout.path("configuredMs").asLong()).isEqualTo(60_000);
		assertThat(gptTimeout.path("suggestedMs").asLong())
			.isEqualTo(roundUpTo100((gptTimeout.path("observedMs").asLong() * 3 + 1) / 2));
		assertThat(hints.get(1).path("setting").asString()).isEqualTo("llm.fallback.providers.claude.timeout");
		assertThat(hints.get(1).path("configuredMs").asLong()).isEqualTo(30_000);
		JsonNode budget = hints.get(2);
		assertThat(budget.path("kind").asString()).isEqualTo("latency-budget");
		assertThat(budget.path("setting").asString()).isEqualTo("llm.fallback.chains.summarize.latency-budget");
		assertThat(budget.path("observed").asString()).isEqualTo("claude p95 latency");
		assertThat(budget.path("configuredMs").asLong()).isEqualTo(60_000);
		assertThat(budget.path("suggestedMs").asLong())
			.isEqualTo(roundUpTo100(60_000 + budget.path("observedMs").asLong()));
	}

	@Test
	void anythingButReviewAfterTheChainIsNotFound() {
		this.webClient.get().uri("/actuator/llmfallback/summarize/nope").exchange().expectStatus().isNotFound();
		this.webClient.get().uri("/actuator/llmfallback/nope/review").exchange().expectStatus().isNotFound();
	}

	private void send(int requests) {
		for (int i = 0; i < requests; i++) {
			ChainResponse response = this.chains.chain("summarize").chat(ChatRequest.ofUser("summarize this")).block();
			assertThat(response).isNotNull();
		}
	}

	private static long roundUpTo100(long millis) {
		return Math.max(100, (millis + 99) / 100 * 100);
	}

}
