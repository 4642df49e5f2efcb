package io.llmfallback.autoconfigure;

import java.util.stream.Stream;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit-breaker rule and the chain's last resort, from the properties to the
 * breakers and chains.
 */
class CircuitBreakerRuleConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.claude.type=anthropic",
				"llm.fallback.providers.claude.base-url=https://api.anthropic.com",
				"llm.fallback.providers.claude.model=claude-sonnet-4-5",
				"llm.fallback.chains.summarize.providers=gpt,claude");

	@Test
	void consecutiveFailuresAndLastResortAreTheDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(LlmFallbackSettings.class).breakers().get("gpt"))
				.isEqualTo(BreakerSettings.DEFAULTS);
			assertThat(breaker(context.getBean(ProviderCircuitBreakers.class), "gpt").getSlidingWindowType())
				.isEqualTo(SlidingWindowType.COUNT_BASED);
			assertThat(context.getBean(FallbackChains.class).chain("summarize").settings().lastResort())
				.isEqualTo(ChainSettings.DEFAULT_LAST_RESORT);
		});
	}

	@Test
	void theFailureRateRuleIsADefaultForEveryProviderThatAProviderMayOverride() {
		this.contextRunner
			.withPropertyValues("llm.fallback.circuit-breaker.rule=failure-rate",
					"llm.fallback.circuit-breaker.failure-rate-threshold=0.3",
					// Written without a unit: seconds.
					"llm.fallback.circuit-breaker.sliding-window=20", "llm.fallback.circuit-breaker.minimum-calls=50",
					"llm.fallback.providers.gpt.circuit-breaker.minimum-calls=10",
					"llm.fallback.providers.claude.circuit-breaker.rule=consecutive-failures")
			.run((context) -> {
				ProviderCircuitBreakers breakers = context.getBean(ProviderCircuitBreakers.class);
				CircuitBreakerConfig gpt = breaker(breakers, "gpt");
				assertThat(gpt.getSlidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
				assertThat(gpt.getSlidingWindowSize()).isEqualTo(20);
				assertThat(gpt.getMinimumNumberOfCalls()).isEqualTo(10);
				assertThat(gpt.getFailureRateThreshold()).isEqualTo(30f);
				assertThat(gpt.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
				CircuitBreakerConfig claude = breaker(breakers, "claude");
				assertThat(claude.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
				assertThat(claude.getSlidingWindowSize()).isEqualTo(3);
				assertThat(claude.getFailureRateThreshold()).isEqualTo(100f);
			});
	}

	@Test
	void aChainMayTurnItsLastResortOff() {
		this.contextRunner.withPropertyValues("llm.fallback.chains.summarize.last-resort=false")
			.run((context) -> assertThat(
					context.getBean(FallbackChains.class).chain("summarize").settings().lastResort())
				.isFalse());
	}

	static Stream<Arguments> invalidRules() {
		return Stream.of(
				Arguments.of("llm.fallback.circuit-breaker.failure-rate-threshold=50",
						"llm.fallback.circuit-breaker.failure-rate-threshold: must be a share above 0 and at most 1 "
								+ "(0.5 is 50%), was 50"),
				Arguments.of("llm.fallback.providers.gpt.circuit-breaker.failure-rate-threshold=0",
						"llm.fallback.providers.gpt.circuit-breaker.failure-rate-threshold: must be a share above 0"),
				Arguments.of("llm.fallback.circuit-breaker.sliding-window=500ms",
						"llm.fallback.circuit-breaker.sliding-window: must be whole seconds from 1s to 1h, was 500ms"),
				Arguments.of("llm.fallback.providers.claude.circuit-breaker.sliding-window=1500ms",
						"llm.fallback.providers.claude.circuit-breaker.sliding-window: must be whole seconds"),
				Arguments.of("llm.fallback.circuit-breaker.sliding-window=2h",
						"llm.fallback.circuit-breaker.sliding-window: must be whole seconds from 1s to 1h"),
				Arguments.of("llm.fallback.circuit-breaker.minimum-calls=0",
						"llm.fallback.circuit-breaker.minimum-calls: must be at least 1, was 0"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidRules")
	void anInvalidRuleFailsStartUpNamingTheProperty(String property, String expected) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new LlmFallbackConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(expected);
		});
	}

	private static CircuitBreakerConfig breaker(ProviderCircuitBreakers breakers, String provider) {
		return breakers.registry().circuitBreaker(provider).getCircuitBreakerConfig();
	}

}
