package io.llmfallback.actuate.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.actuate.LlmFallbackEndpoint;
import io.llmfallback.actuate.LlmFallbackHealthIndicator;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackEndpointAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackHealthAutoConfiguration;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.observe.Alert;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import io.llmfallback.validation.internal.FallbackValidation;
import io.llmfallback.validation.internal.FallbackValidations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What {@link LlmFallbackStatus} answers, built by the auto-configuration from the
 * runtime's beans, after real calls over HTTP: a primary that answers 429 with a
 * {@code retry-after}, and a priced fallback that serves.
 */
class LlmFallbackStatusTests {

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension backup = WireMockProviders.server();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackEndpointAutoConfiguration.class, LlmFallbackHealthAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=llmfallback",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.base-url=" + primary.baseUrl(),
				"llm.fallback.providers.gpt.max-concurrency=5", "llm.fallback.providers.gpt.slow-call-threshold=3s",
				"llm.fallback.providers.backup.type=openai", "llm.fallback.providers.backup.model=gpt-4o-mini",
				"llm.fallback.providers.backup.base-url=" + backup.baseUrl(),
				"llm.fallback.providers.backup.pricing.input-per-million-tokens=3",
				"llm.fallback.providers.backup.pricing.output-per-million-tokens=15",
				"llm.fallback.chains.summarize.providers=gpt,backup", "llm.fallback.chains.summarize.max-spend=12.50",
				"llm.fallback.chains.solo.providers=gpt");

	@Test
	void answersWhatTheRuntimeKnowsAfterAFallbackServed() {
		primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(429, "requests", "rate_limit_exceeded", "Rate limit reached")
				.withHeader("retry-after", "30")));
		backup.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Short.", 1000, 100)));
		this.contextRunner.run((context) -> {
			LlmFallbackStatus status = context.getBean(LlmFallbackStatus.class);
			context.getBean(FallbackChains.class).chain("summarize").chat(ChatRequest.ofUser("hi")).block();

			assertThat(status.providers()).extracting(LlmProvider::name).containsExactly("gpt", "backup");
			assertThat(status.chains()).extracting(FallbackChain::name).containsExactly("summarize", "solo");
			assertThat(status.chain("summarize")).isSameAs(context.getBean(FallbackChains.class).chain("summarize"));
			assertThat(status.chain("nope")).isNull();

			assertThat(status.breakerState("gpt")).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(status.callPermitted("gpt")).isTrue();
			assertThat(status.inFlight("gpt")).isZero();
			assertThat(status.maxConcurrency("gpt")).isEqualTo(5);
			assertThat(status.maxConcurrency("backup")).isEqualTo(1000);
			assertThat(status.slowCallThreshold("gpt")).isEqualTo(Duration.ofSeconds(3));
			assertThat(status.limitedFor("gpt")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
			assertThat(status.limitedFor("backup")).isNull();

			assertThat(status.totals("summarize").requests()).isEqualTo(1);
			assertThat(status.totals("summarize").fallbackActivations()).isEqualTo(1);
			assertThat(status.totals("solo").requests()).isZero();
			assertThat(status.signals("summarize").windowRequests()).isEqualTo(1);
			assertThat(status.signals("summarize").windowFallbackActivations()).isEqualTo(1);
			// 1,000 input tokens at $3 and 100 output tokens at $15 a million.
			assertThat(status.spent("summarize")).isEqualByComparingTo("0.0045");
			assertThat(status.spendLimit("summarize")).isEqualByComparingTo("12.50");
			assertThat(status.spendLimit("solo")).isNull();
			assertThat(status.spendLimited("summarize")).isFalse();

			assertThat(status.validation("summarize")).isNull();
			assertThat(status.chainsWithCorpus()).isEmpty();
		});
	}

	@Test
	void alertsAreEvaluatedOnlyWhenAsked() {
		this.contextRunner.run((context) -> {
			LlmFallbackStatus status = context.getBean(LlmFallbackStatus.class);
			context.getBean(ProviderCircuitBreakers.class).registry().circuitBreaker("gpt").transitionToOpenState();
			assertThat(status.breakerState("gpt")).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(status.callPermitted("gpt")).isFalse();

			List<Alert> evaluated = status.evaluateAlerts();
			assertThat(evaluated).filteredOn(Alert::firing)
				.extracting(Alert::signal, Alert::provider)
				.containsExactly(tuple("breaker-open", "gpt"));
			assertThat(status.lastAlerts()).isEqualTo(evaluated);
		});
	}

	@Test
	void gateOutcomesComeFromTheGateModulesValidations() {
		FallbackValidation failed = new FallbackValidation(FallbackValidation.Status.FAILED, "2026-01-01T00:00:00Z", 3,
				List.of("extract: missing field"));
		this.contextRunner.withBean(FallbackValidations.class, () -> new FallbackValidations() {

			@Override
			public Set<String> chainsWithCorpus() {
				return Set.of("summarize");
			}

			@Override
			public FallbackValidation of(String chain) {
				return failed;
			}

		}).run((context) -> {
			LlmFallbackStatus status = context.getBean(LlmFallbackStatus.class);
			assertThat(status.chainsWithCorpus()).containsExactly("summarize");
			assertThat(status.validation("summarize")).isSameAs(failed);
		});
	}

	@Test
	void theEndpointAndTheHealthIndicatorShareOneStatus() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(LlmFallbackStatus.class)
			.hasSingleBean(LlmFallbackEndpoint.class)
			.hasSingleBean(LlmFallbackHealthIndicator.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).hasSingleBean(LlmFallbackStatus.class)
				.doesNotHaveBean(LlmFallbackEndpoint.class));
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=health",
					"management.health.llmfallback.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(FallbackChains.class)
				.doesNotHaveBean(LlmFallbackStatus.class));
	}

}
