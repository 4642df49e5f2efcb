package io.llmfallback.actuate;

import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.model.ChatResponse;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/llmfallback} over HTTP shows each provider's guard (calls in flight,
 * its bulkhead, the slow-call threshold in force, a retry-after in force) and each
 * chain's attempt limit, retry budget and hedging, and still no API key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=llmfallback",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.base-url=http://127.0.0.1:9",
				"llm.fallback.providers.gpt.api-key=" + LlmFallbackEndpointGuardsIntegrationTests.API_KEY,
				"llm.fallback.providers.gpt.timeout=10s", "llm.fallback.providers.gpt.max-concurrency=5",
				"llm.fallback.providers.gpt.slow-call-threshold=3s", "llm.fallback.providers.claude.type=anthropic",
				"llm.fallback.providers.claude.model=claude-sonnet-4-5",
				"llm.fallback.providers.claude.base-url=http://127.0.0.1:9",
				"llm.fallback.providers.claude.api-key=" + LlmFallbackEndpointGuardsIntegrationTests.API_KEY,
				"llm.fallback.providers.claude.timeout=20s", "llm.fallback.chains.summarize.providers=gpt,claude",
				"llm.fallback.chains.summarize.max-attempts=4", "llm.fallback.chains.summarize.retry-budget=0.2",
				"llm.fallback.chains.summarize.hedge.after=p99.9", "llm.fallback.chains.summarize.hedge.max-share=0.1",
				"llm.fallback.chains.quick.providers=claude,gpt", "llm.fallback.chains.quick.hedge.after=1500ms",
				"llm.fallback.chains.solo.providers=gpt" })
@AutoConfigureWebTestClient
class LlmFallbackEndpointGuardsIntegrationTests {

	static final String API_KEY = "sk-proj-GuardsTOPSECRET0123456789";

	@Autowired
	private WebTestClient webClient;

	@Autowired
	private ProviderGuards guards;

	@Test
	void providersShowTheirGuardAndChainsTheirLimitsWithoutTheKey() {
		Disposable waiting = this.guards.guard("gpt", 10, Mono.<ChatResponse>never()).subscribe();
		try {
			String report = this.webClient.get()
				.uri("/actuator/llmfallback")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.providers.gpt.inFlight")
				.isEqualTo(1)
				.jsonPath("$.providers.gpt.maxConcurrency")
				.isEqualTo(5)
				.jsonPath("$.providers.gpt.slowCallThresholdMs")
				.isEqualTo(3000)
				.jsonPath("$.providers.gpt.limitedForMs")
				.value((limitedFor) -> assertThat(limitedFor).isNull())
				.jsonPath("$.providers.claude.inFlight")
				.isEqualTo(0)
				.jsonPath("$.providers.claude.maxConcurrency")
				.isEqualTo(1000)
				.jsonPath("$.providers.claude.slowCallThresholdMs")
				.isEqualTo(this.guards.slowCallThreshold("claude").toMillis())
				.jsonPath("$.chains.summarize.settings.maxAttempts")
				.isEqualTo(4)
				.jsonPath("$.chains.summarize.settings.retryBudget")
				.isEqualTo(0.2)
				.jsonPath("$.chains.summarize.settings.hedge.after")
				.isEqualTo("p99.9")
				.jsonPath("$.chains.summarize.settings.hedge.maxShare")
				.isEqualTo(0.1)
				.jsonPath("$.chains.quick.settings.hedge.after")
				.isEqualTo("1500ms")
				.jsonPath("$.chains.solo.settings.maxAttempts")
				.isEqualTo(2)
				.jsonPath("$.chains.solo.settings.retryBudget")
				.isEqualTo(0.1)
				.jsonPath("$.chains.solo.settings.hedge.after")
				.value((after) -> assertThat(after).isNull())
				.jsonPath("$.chains.solo.settings.hedge.maxShare")
				.isEqualTo(0.05)
				.returnResult()
				.toString();
			assertThat(report).doesNotContain(API_KEY).doesNotContain("GuardsTOP");
		}
		finally {
			waiting.dispose();
		}
		this.webClient.get()
			.uri("/actuator/llmfallback/summarize")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.settings.hedge.after")
			.isEqualTo("p99.9");
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
