package io.llmfallback.autoconfigure;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.llmfallback.actuate.LlmFallbackEndpoint;
import io.llmfallback.actuate.LlmFallbackHealthIndicator;
import io.llmfallback.aop.internal.LlmFallbackAspect;
import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainAttemptObservationConvention;
import io.llmfallback.chain.ChainRequestObservationContext;
import io.llmfallback.chain.ChainRequestObservationConvention;
import io.llmfallback.chain.DefaultChainAttemptObservationConvention;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.chain.internal.BreakerTransition;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.cost.internal.PricingSource;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.StoppedObservations;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class LlmFallbackAutoConfigurationTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension().provider("gpt",
			WireProtocol.OPENAI);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackAspectAutoConfiguration.class, LlmFallbackEndpointAutoConfiguration.class,
				LlmFallbackHealthAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=sk-test-key-1234567890",
				"llm.fallback.providers.claude.type=anthropic",
				"llm.fallback.providers.claude.base-url=https://api.anthropic.com",
				"llm.fallback.providers.claude.model=claude-sonnet-4-5",
				"llm.fallback.chains.summarize.providers=gpt,claude",
				"llm.fallback.chains.summarize.latency-budget=20s",
				"management.endpoints.web.exposure.include=llmfallback");

	@Test
	void createsProvidersChainsClientAspectEndpointAndHealth() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LlmProviders.class).get("claude").type()).isEqualTo(ProviderType.ANTHROPIC);
			assertThat(context.getBean(FallbackChains.class).chain("summarize").providers())
				.extracting((provider) -> provider.name())
				.containsExactly("gpt", "claude");
			assertThat(context).hasSingleBean(LlmClient.class)
				.hasSingleBean(LlmFallbackAspect.class)
				.hasSingleBean(LlmFallbackEndpoint.class)
				.hasSingleBean(LlmFallbackHealthIndicator.class);
		});
	}

	@Test
	void chainDefaultsAreTheDocumentedOnes() {
		this.contextRunner.run((context) -> {
			var settings = context.getBean(FallbackChains.class).chain("summarize").settings();
			assertThat(settings.fallbackMaxTokens()).isEqualTo(2048);
			assertThat(settings.fallbackOn()).containsExactlyInAnyOrder(FailureCategory.TIMEOUT,
					FailureCategory.RATE_LIMITED, FailureCategory.OVERLOADED, FailureCategory.SERVER_ERROR,
					FailureCategory.CONNECTION, FailureCategory.INVALID_RESPONSE, FailureCategory.REDIRECT,
					FailureCategory.EMPTY_RESPONSE, FailureCategory.RESPONSE_TOO_LARGE, FailureCategory.CONTEXT_LENGTH,
					FailureCategory.STREAM_TRUNCATED);
			CircuitBreakerConfig breaker = context.getBean(ProviderCircuitBreakers.class)
				.registry()
				.circuitBreaker("gpt")
				.getCircuitBreakerConfig();
			assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(3);
			assertThat(breaker.getSlidingWindowSize()).isEqualTo(3);
			assertThat(breaker.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
			assertThat(breaker.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
			assertThat(breaker.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
		});
	}

	@Test
	void fallbackOnBindsKebabCaseCategories() {
		this.contextRunner.withPropertyValues("llm.fallback.chains.summarize.fallback-on=rate-limited,bad-request")
			.run((context) -> assertThat(
					context.getBean(FallbackChains.class).chain("summarize").settings().fallbackOn())
				.containsExactlyInAnyOrder(FailureCategory.RATE_LIMITED, FailureCategory.BAD_REQUEST));
	}

	@Test
	void providerOverridesTheBreakerDefaults() {
		this.contextRunner
			.withPropertyValues("llm.fallback.circuit-breaker.failure-threshold=4",
					"llm.fallback.providers.claude.circuit-breaker.failure-threshold=6",
					"llm.fallback.providers.claude.circuit-breaker.open-duration=10s")
			.run((context) -> {
				ProviderCircuitBreakers breakers = context.getBean(ProviderCircuitBreakers.class);
				assertThat(
						breakers.registry().circuitBreaker("gpt").getCircuitBreakerConfig().getMinimumNumberOfCalls())
					.isEqualTo(4);
				CircuitBreakerConfig claude = breakers.registry().circuitBreaker("claude").getCircuitBreakerConfig();
				assertThat(claude.getMinimumNumberOfCalls()).isEqualTo(6);
				assertThat(claude.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(10_000L);
			});
	}

	@Test
	void breakersAndSignalsReadTheApplicationsClock() {
		MutableClock clock = new MutableClock();
		this.contextRunner.withBean(Clock.class, () -> clock).run((context) -> {
			assertThat(context.getBean(ProviderCircuitBreakers.class)
				.registry()
				.circuitBreaker("gpt")
				.getCircuitBreakerConfig()
				.getClock()).isSameAs(clock);
			FallbackSignals signals = context.getBean(FallbackSignals.class);
			signals.onTransition(new BreakerTransition("gpt", State.CLOSED, State.OPEN, clock.instant()));
			assertThat(signals.alerts()).anyMatch((alert) -> alert.firing() && "gpt".equals(alert.provider()));
		});
	}

	@Test
	void outputContractBindsFromASchemaLocation() {
		this.contextRunner
			.withPropertyValues(
					"llm.fallback.chains.summarize.output-contract.json-schema=classpath:contracts/summary.schema.json",
					"llm.fallback.chains.summarize.output-contract.max-length=2000",
					"llm.fallback.chains.summarize.output-contract.require-complete=true",
					"llm.fallback.chains.summarize.output-contract.on-violation=accept-and-flag",
					"llm.fallback.circuit-breaker.count-contract-violations=true")
			.run((context) -> {
				OutputContract contract = context.getBean(FallbackChains.class)
					.chain("summarize")
					.settings()
					.outputContract();
				assertThat(contract.schema()).isNotNull();
				assertThat(contract.maxLength()).isEqualTo(2000);
				assertThat(contract.requireComplete()).isTrue();
				assertThat(contract.onViolation()).isEqualTo(OutputContract.OnViolation.ACCEPT_AND_FLAG);
				assertThat(context.getBean(LlmFallbackSettings.class).breakers().get("gpt").countContractViolations())
					.isTrue();
			});
	}

	@Test
	void spendLimitsBindPerChainAndGlobally() {
		this.contextRunner
			.withPropertyValues("llm.fallback.spend-guard.max-spend=50", "llm.fallback.spend-guard.window=30m",
					"llm.fallback.chains.summarize.max-spend=12.50")
			.run((context) -> {
				SpendGuard guard = context.getBean(SpendGuard.class);
				assertThat(guard.limit("summarize")).isEqualByComparingTo("12.50");
				assertThat(guard.isLimited("summarize")).isFalse();
				assertThat(context.getBean(LlmFallbackEndpoint.class).chain("summarize").spend().limitUsd())
					.isEqualByComparingTo("12.50");
			});
	}

	@Test
	void providerWithoutAConfiguredPriceIsChargedItsModelsListPrice() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.claude.model=claude-sonnet-4-20250514")
			.run((context) -> {
				LlmFallbackSettings settings = context.getBean(LlmFallbackSettings.class);
				assertThat(settings.pricing())
					.containsEntry("claude",
							new Pricing(new BigDecimal("3.00"), new BigDecimal("15.00"), new BigDecimal("0.30")))
					.containsEntry("gpt",
							new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"), new BigDecimal("1.25")));
				assertThat(settings.pricingSources()).containsEntry("claude", PricingSource.CATALOG)
					.containsEntry("gpt", PricingSource.CATALOG);
			});
	}

	@Test
	void configuredPriceOverridesTheListPrice() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.25",
					"llm.fallback.providers.gpt.pricing.output-per-million-tokens=9",
					"llm.fallback.providers.gpt.pricing.cached-input-per-million-tokens=1.125",
					"llm.fallback.providers.claude.pricing.input-per-million-tokens=3.30",
					"llm.fallback.providers.claude.pricing.output-per-million-tokens=16.50")
			.run((context) -> {
				LlmFallbackSettings settings = context.getBean(LlmFallbackSettings.class);
				assertThat(settings.pricing())
					.containsEntry("gpt",
							new Pricing(new BigDecimal("2.25"), new BigDecimal("9"), new BigDecimal("1.125")))
					// no cached-input price configured: cached prompt tokens cost the
					// input price
					.containsEntry("claude",
							new Pricing(new BigDecimal("3.30"), new BigDecimal("16.50"), new BigDecimal("3.30")));
				assertThat(settings.pricingSources()).containsEntry("gpt", PricingSource.CONFIGURED)
					.containsEntry("claude", PricingSource.CONFIGURED);
			});
	}

	@Test
	void providerWithNeitherPriceIsFreeAndSaysSoOnceAtStartUp(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.local.type=openai",
					"llm.fallback.providers.local.base-url=http://localhost:11434",
					"llm.fallback.providers.local.model=llama3.1:8b",
					"llm.fallback.providers.local.api-key=sk-local-5up3r53cr3tK3y")
			.run((context) -> {
				LlmFallbackSettings settings = context.getBean(LlmFallbackSettings.class);
				assertThat(settings.pricing()).containsEntry("local", Pricing.FREE);
				assertThat(settings.pricingSources()).containsEntry("local", PricingSource.NONE);
				// The gate and the review must not take an unknown price for a free
				// provider.
				assertThat(settings.knownPrices()).doesNotContainKey("local").containsKey("gpt");
			});
		assertThat(output).containsOnlyOnce("Provider 'local' has no configured price and its model 'llama3.1:8b' "
				+ "has no list price, so its cost will read as 0; set llm.fallback.providers.local.pricing.* to count it")
			.doesNotContain("Provider 'gpt'")
			.doesNotContain("Provider 'claude'")
			.doesNotContain("sk-local-5up3r53cr3tK3y");
	}

	@Test
	void negativeCachedInputPriceFailsStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.50",
					"llm.fallback.providers.gpt.pricing.output-per-million-tokens=10",
					"llm.fallback.providers.gpt.pricing.cached-input-per-million-tokens=-1.25")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure())
					.getDescription())
					.contains("llm.fallback.providers.gpt.pricing.cached-input-per-million-tokens: "
							+ "cannot be negative, was -1.25")
					.doesNotContain("is required");
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("llm.fallback.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallbackChains.class)
				.doesNotHaveBean(LlmFallbackAspect.class)
				.doesNotHaveBean(LlmFallbackEndpoint.class));
	}

	@Test
	void noEndpointUnlessExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmFallbackEndpoint.class));
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("management.health.llmfallback.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(FallbackChains.class)
				.doesNotHaveBean(LlmFallbackHealthIndicator.class));
	}

	@Test
	void healthIsDownOnlyWhenAChainHasNoCallableProvider() {
		this.contextRunner.run((context) -> {
			ProviderCircuitBreakers breakers = context.getBean(ProviderCircuitBreakers.class);
			LlmFallbackHealthIndicator health = context.getBean(LlmFallbackHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

			breakers.registry().circuitBreaker("gpt").transitionToOpenState();
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(health.health(true).getDetails()).containsEntry("openBreakers", java.util.List.of("gpt"));

			breakers.registry().circuitBreaker("claude").transitionToOpenState();
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.health(true).getDetails()).containsEntry("chainsWithoutCallableProvider",
					java.util.List.of("summarize"));
		});
	}

	@Test
	void observationConventionBeansReplaceTheDefaultOnes() {
		StoppedObservations observations = new StoppedObservations();
		List<Observation.Context> stopped = observations.stopped();
		this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.base-url=" + providers.get("gpt").baseUrl())
			.withBean(ObservationRegistry.class, observations::registry)
			.withBean(ChainRequestObservationConvention.class, TeamRequestConvention::new)
			.withBean(ChainAttemptObservationConvention.class, TeamAttemptConvention::new)
			.run((context) -> {
				context.getBean(FallbackChains.class).chain("summarize").chat(ChatRequest.ofUser("hi")).block();

				assertThat(stopped).filteredOn(ChainAttemptObservationContext.class::isInstance)
					.singleElement()
					.satisfies((attempt) -> {
						assertThat(attempt.getName()).isEqualTo("llm.fallback.attempt");
						assertThat(attempt.getContextualName()).isEqualTo("llm gpt");
						assertThat(attempt.getLowCardinalityKeyValues()).contains(KeyValue.of("team", "search"),
								KeyValue.of("gen_ai.provider.name", "openai"));
					});
				assertThat(stopped).filteredOn(ChainRequestObservationContext.class::isInstance)
					.singleElement()
					.satisfies((request) -> {
						assertThat(request.getName()).isEqualTo("llm.fallback.request");
						assertThat(request.getContextualName()).isEqualTo("summarize via primary");
						assertThat(request.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("team", "search"));
					});
			});
	}

	static Stream<Arguments> invalidConfigurations() {
		return Stream.of(
				Arguments.of("llm.fallback.chains.summarize.providers=gpt,gemini",
						"llm.fallback.chains.summarize.providers[1]: unknown provider 'gemini'"),
				Arguments.of("llm.fallback.chains.empty.latency-budget=5s",
						"llm.fallback.chains.empty.providers: must list at least one provider"),
				Arguments.of("llm.fallback.providers.gpt.base-url=",
						"llm.fallback.providers.gpt.base-url: is required"),
				Arguments.of("llm.fallback.providers.gpt.base-url=ftp://example.com",
						"llm.fallback.providers.gpt.base-url: 'ftp://example.com' is not an absolute http(s) URL"),
				Arguments.of("llm.fallback.providers.gpt.timeout=-1s",
						"llm.fallback.providers.gpt.timeout: must be positive"),
				Arguments.of("llm.fallback.providers.gpt.model=", "llm.fallback.providers.gpt.model: is required"),
				Arguments.of("llm.fallback.chains.summarize.latency-budget=0s",
						"llm.fallback.chains.summarize.latency-budget: must be positive"),
				Arguments.of("llm.fallback.chains.summarize.fallback-max-tokens=0",
						"llm.fallback.chains.summarize.fallback-max-tokens: must be at least 1"),
				Arguments.of("llm.fallback.circuit-breaker.failure-window=500ms",
						"llm.fallback.circuit-breaker.failure-window: must be at least 1s"),
				Arguments.of("llm.fallback.providers.claude.circuit-breaker.open-duration=0s",
						"llm.fallback.providers.claude.circuit-breaker.open-duration: must be positive"),
				Arguments.of("llm.fallback.providers.gpt.api-key=${OPENAI_API_KEY_NOT_SET}",
						"llm.fallback.providers.gpt.api-key: holds an unresolved placeholder"),
				Arguments.of("llm.fallback.alerts.activation-rate.window=10s",
						"llm.fallback.alerts.activation-rate.window: must be at least 1m"),
				Arguments.of("llm.fallback.alerts.blended-cost-ratio.threshold=-1",
						"llm.fallback.alerts.blended-cost-ratio.threshold: must be a finite number of at least 0"),
				Arguments.of(
						"llm.fallback.chains.summarize.output-contract.json-schema=classpath:contracts/missing.json",
						"llm.fallback.chains.summarize.output-contract.json-schema: cannot be read from 'classpath:contracts/missing.json'"),
				Arguments.of("llm.fallback.chains.summarize.max-spend=0",
						"llm.fallback.chains.summarize.max-spend: must be positive"),
				Arguments.of("llm.fallback.spend-guard.window=10s",
						"llm.fallback.spend-guard.window: must be at least 1m"),
				Arguments.of("llm.fallback.providers.orphan.model=x",
						"llm.fallback.providers.orphan.type: is required"),
				Arguments.of("llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.50",
						"llm.fallback.providers.gpt.pricing.output-per-million-tokens: is required when "
								+ "input-per-million-tokens is set"),
				Arguments.of("llm.fallback.providers.gpt.pricing.output-per-million-tokens=10",
						"llm.fallback.providers.gpt.pricing.input-per-million-tokens: is required when "
								+ "output-per-million-tokens is set"),
				Arguments.of("llm.fallback.providers.gpt.pricing.cached-input-per-million-tokens=1.25",
						"llm.fallback.providers.gpt.pricing.output-per-million-tokens: is required when "
								+ "cached-input-per-million-tokens is set"),
				Arguments.of("llm.fallback.providers.claude.pricing.input-per-million-tokens=-3",
						"llm.fallback.providers.claude.pricing.input-per-million-tokens: cannot be negative, was -3"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidConfigurations")
	void invalidConfigurationFailsStartUpNamingTheProperty(String property, String expected) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new LlmFallbackConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(expected);
		});
	}

	@Test
	void contractLengthsMustBeOrdered() {
		this.contextRunner
			.withPropertyValues("llm.fallback.chains.summarize.output-contract.min-length=100",
					"llm.fallback.chains.summarize.output-contract.max-length=10")
			.run((context) -> assertThat(
					new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains(
						"llm.fallback.chains.summarize.output-contract.min-length: is greater than max-length (100 > 10)"));
	}

	@Test
	void everyProblemIsReportedInOneStartUp() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.timeout=0s", "llm.fallback.chains.summarize.providers=nope")
			.run((context) -> assertThat(
					new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("llm.fallback.providers.gpt.timeout", "llm.fallback.chains.summarize.providers[0]"));
	}

	@Test
	void unknownProviderTypeFailsBindingNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.type=mistral").run((context) -> {
			assertThat(context).hasFailed();
			// Boot's own bind failure analysis reports the property, its value and the
			// accepted values.
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mistral");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("llm.fallback.providers.gpt.type");
		});
	}

	@Test
	void apiKeyIsNotInTheFailureReport() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.timeout=0s")
			.run((context) -> assertThat(
					new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.doesNotContain("sk-test-key-1234567890"));
	}

	/**
	 * Extends the default: renames the span and adds an attribute to the documented ones.
	 */
	static class TeamAttemptConvention extends DefaultChainAttemptObservationConvention {

		@Override
		public String getContextualName(ChainAttemptObservationContext context) {
			return "llm " + context.provider().name();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(ChainAttemptObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("team", "search");
		}

	}

	/**
	 * Replaces the default outright, keeping the documented observation name the
	 * interface gives.
	 */
	static class TeamRequestConvention implements ChainRequestObservationConvention {

		@Override
		public String getContextualName(ChainRequestObservationContext context) {
			return context.chain() + " via " + context.path().wireName();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(ChainRequestObservationContext context) {
			return KeyValues.of("team", "search");
		}

	}

}
