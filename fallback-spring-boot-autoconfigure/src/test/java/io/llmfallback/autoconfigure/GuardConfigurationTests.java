package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.GuardSettings;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.RateLimitSettings;
import io.llmfallback.chain.internal.RetrySettings;
import io.llmfallback.chain.internal.StreamSettings;
import io.llmfallback.model.FailureCategory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow-call detection, bulkhead, retries and rate limits of each provider, and the
 * attempt limit, retry budget and hedging of each chain: from the properties to the
 * guards and the chains, and every wrong value failing start-up naming its property.
 */
class GuardConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.timeout=10s", "llm.fallback.providers.claude.type=anthropic",
				"llm.fallback.providers.claude.base-url=https://api.anthropic.com",
				"llm.fallback.providers.claude.model=claude-sonnet-4-5",
				"llm.fallback.chains.summarize.providers=gpt,claude", "llm.fallback.chains.solo.providers=claude");

	@Test
	void withNothingConfiguredDetectionAndTheBulkheadAreOnAndTheRestOff() {
		this.contextRunner.run((context) -> {
			ProviderGuards guards = context.getBean(ProviderGuards.class);
			assertThat(guards.settings("gpt"))
				.isEqualTo(GuardSettings.defaults(Duration.ofSeconds(10), BreakerSettings.DEFAULTS));
			assertThat(guards.settings("gpt").slowCallDetection()).isTrue();
			assertThat(guards.settings("gpt").maxConcurrency()).isEqualTo(1000);
			assertThat(guards.settings("gpt").slowCallsToOpen()).isEqualTo(3);
			ChainSettings summarize = chain(context, "summarize");
			assertThat(summarize.maxAttempts()).isEqualTo(3);
			assertThat(summarize.retryBudget()).isEqualTo(0.1);
			assertThat(summarize.hedge()).isEqualTo(HedgeSettings.OFF);
			assertThat(summarize.streamRecovery()).isEqualTo(StreamRecovery.DEFAULT);
			assertThat(chain(context, "solo").maxAttempts()).isEqualTo(2);
		});
	}

	@Test
	void everyProviderValueReachesItsGuard() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.slow-call-threshold=4",
				"llm.fallback.providers.gpt.max-concurrency=50",
				"llm.fallback.providers.gpt.circuit-breaker.failure-threshold=5",
				"llm.fallback.providers.gpt.retry.max-attempts=2",
				"llm.fallback.providers.gpt.retry.initial-backoff=100ms",
				"llm.fallback.providers.gpt.retry.max-backoff=1s",
				"llm.fallback.providers.gpt.retry.retry-on=rate-limited,overloaded",
				"llm.fallback.providers.gpt.rate-limit.requests-per-minute=600",
				"llm.fallback.providers.gpt.rate-limit.tokens-per-minute=200000",
				"llm.fallback.providers.gpt.rate-limit.respect-retry-after=false",
				"llm.fallback.providers.claude.slow-call-detection=false",
				"llm.fallback.providers.claude.cancel-waiting-calls=false",
				"llm.fallback.providers.claude.time-to-first-chunk=3", "llm.fallback.providers.claude.stall-timeout=8s",
				"llm.fallback.providers.claude.circuit-breaker.rule=failure-rate",
				"llm.fallback.providers.claude.circuit-breaker.minimum-calls=10",
				"llm.fallback.providers.claude.circuit-breaker.failure-rate-threshold=0.25")
			.run((context) -> {
				ProviderGuards guards = context.getBean(ProviderGuards.class);
				// A duration without a unit is seconds, like every other duration of the
				// starter.
				assertThat(guards.settings("gpt"))
					.isEqualTo(new GuardSettings(Duration.ofSeconds(10), true, Duration.ofSeconds(4), 5, 50,
							new RetrySettings(2, Duration.ofMillis(100), Duration.ofSeconds(1),
									Set.of(FailureCategory.RATE_LIMITED, FailureCategory.OVERLOADED)),
							new RateLimitSettings(600, 200000, false)));
				assertThat(guards.slowCallThreshold("gpt")).isEqualTo(Duration.ofSeconds(4));
				assertThat(guards.retry("gpt").enabled()).isTrue();
				GuardSettings claude = guards.settings("claude");
				assertThat(claude.slowCallDetection()).isFalse();
				assertThat(claude.cancelWaitingCalls()).isFalse();
				// A duration without a unit is seconds here too.
				assertThat(claude.stream()).isEqualTo(new StreamSettings(Duration.ofSeconds(3), Duration.ofSeconds(8)));
				assertThat(guards.settings("gpt").stream()).isEqualTo(StreamSettings.defaults(Duration.ofSeconds(10)));
				// Failures that reach a rate of 25% at the minimum of 10 calls: 3.
				assertThat(claude.slowCallsToOpen()).isEqualTo(3);
				assertThat(claude.retry()).isEqualTo(RetrySettings.OFF);
				assertThat(claude.rateLimit()).isEqualTo(RateLimitSettings.DEFAULTS);
			});
	}

	@Test
	void everyChainValueReachesItsChain() {
		this.contextRunner
			.withPropertyValues("llm.fallback.chains.summarize.max-attempts=5",
					"llm.fallback.chains.summarize.retry-budget=0.2", "llm.fallback.chains.summarize.hedge.after=p95",
					"llm.fallback.chains.summarize.hedge.max-share=0.1", "llm.fallback.chains.solo.retry-budget=0",
					"llm.fallback.chains.solo.hedge.max-share=0.5",
					"llm.fallback.chains.summarize.stream.on-interruption=continue",
					"llm.fallback.chains.summarize.stream.continuation-budget=8",
					"llm.fallback.chains.solo.stream.on-interruption=RESTART")
			.run((context) -> {
				ChainSettings summarize = chain(context, "summarize");
				assertThat(summarize.streamRecovery())
					.isEqualTo(new StreamRecovery(StreamRecovery.OnInterruption.CONTINUE, Duration.ofSeconds(8)));
				assertThat(chain(context, "solo").streamRecovery().onInterruption())
					.isEqualTo(StreamRecovery.OnInterruption.RESTART);
				assertThat(summarize.maxAttempts()).isEqualTo(5);
				assertThat(summarize.retryBudget()).isEqualTo(0.2);
				assertThat(summarize.hedge()).isEqualTo(HedgeSettings.afterPercentile(95, 0.1));
				ChainSettings solo = chain(context, "solo");
				assertThat(solo.retryBudget()).isZero();
				assertThat(solo.hedge()).isEqualTo(new HedgeSettings(null, 0, 0.5));
				assertThat(solo.hedge().enabled()).isFalse();
			});
	}

	@Test
	void theGuardsAndBudgetsHaveTheirMetersWhenMicrometerHasARegistry() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(MetricsAutoConfiguration.class, LlmFallbackMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("llm.fallback.providers.claude.slow-call-threshold=2s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("llm.fallback.provider.in_flight").gauges())
					.extracting((gauge) -> gauge.getId().getTag("provider"))
					.containsExactlyInAnyOrder("gpt", "claude");
				assertThat(registry.get("llm.fallback.provider.slow_call_threshold")
					.tag("provider", "claude")
					.timeGauge()
					.value(TimeUnit.SECONDS)).isEqualTo(2.0);
				assertThat(registry.get("llm.fallback.budget.exhausted").functionCounters())
					.extracting((counter) -> counter.getId().getTag("chain") + "/" + counter.getId().getTag("budget"))
					.containsExactlyInAnyOrder("summarize/retry", "summarize/hedge", "solo/retry", "solo/hedge");
			});
	}

	static Stream<Arguments> hedgeDelays() {
		return Stream.of(Arguments.of("800ms", HedgeSettings.after(Duration.ofMillis(800), 0.05)),
				// Without a unit: seconds.
				Arguments.of("2", HedgeSettings.after(Duration.ofSeconds(2), 0.05)),
				Arguments.of("PT1.5S", HedgeSettings.after(Duration.ofMillis(1500), 0.05)),
				Arguments.of("p99", HedgeSettings.afterPercentile(99, 0.05)),
				Arguments.of("P99.9", HedgeSettings.afterPercentile(99.9, 0.05)), Arguments.of(" ", HedgeSettings.OFF));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hedgeDelays")
	void aHedgeWaitsADurationOrAPercentile(String after, HedgeSettings expected) {
		this.contextRunner.withPropertyValues("llm.fallback.chains.summarize.hedge.after=" + after)
			.run((context) -> assertThat(chain(context, "summarize").hedge()).isEqualTo(expected));
	}

	static Stream<Arguments> invalidValues() {
		String gpt = "llm.fallback.providers.gpt.";
		String summarize = "llm.fallback.chains.summarize.";
		return Stream.of(
				Arguments.of(gpt + "slow-call-threshold=0s", gpt + "slow-call-threshold: must be positive, was 0s"),
				Arguments.of(gpt + "slow-call-threshold=11s",
						gpt + "slow-call-threshold: must be at most the timeout (10s), was 11s"),
				Arguments.of(gpt + "max-concurrency=0", gpt + "max-concurrency: must be at least 1, was 0"),
				Arguments.of(gpt + "time-to-first-chunk=0s", gpt + "time-to-first-chunk: must be positive, was 0s"),
				Arguments.of(gpt + "time-to-first-chunk=12s",
						gpt + "time-to-first-chunk: must be at most the timeout (10s), was 12s"),
				Arguments.of(gpt + "stall-timeout=0s", gpt + "stall-timeout: must be positive, was 0s"),
				Arguments.of(gpt + "retry.max-attempts=-1",
						gpt + "retry.max-attempts: cannot be negative (0 is no retries), was -1"),
				Arguments.of(gpt + "retry.initial-backoff=0ms",
						gpt + "retry.initial-backoff: must be positive, was 0ms"),
				Arguments.of(gpt + "retry.max-backoff=100ms",
						gpt + "retry.max-backoff: must be at least initial-backoff (200ms), was 100ms"),
				Arguments.of(gpt + "rate-limit.requests-per-minute=-5",
						gpt + "rate-limit.requests-per-minute: cannot be negative (0 is no limit), was -5"),
				Arguments.of(gpt + "rate-limit.tokens-per-minute=-1",
						gpt + "rate-limit.tokens-per-minute: cannot be negative (0 is no limit), was -1"),
				Arguments.of(summarize + "max-attempts=0", summarize + "max-attempts: must be at least 1, was 0"),
				Arguments.of(summarize + "retry-budget=10",
						summarize + "retry-budget: must be a share from 0 to 1 (0.1 is 10%), was 10"),
				Arguments.of(summarize + "retry-budget=-0.1",
						summarize + "retry-budget: must be a share from 0 to 1 (0.1 is 10%), was -0.1"),
				Arguments.of(summarize + "hedge.max-share=1.5",
						summarize + "hedge.max-share: must be a share from 0 to 1 (0.1 is 10%), was 1.5"),
				Arguments.of(summarize + "hedge.after=p100",
						summarize + "hedge.after: must be a percentile above p0 and below p100, was p100"),
				Arguments.of(summarize + "hedge.after=p0",
						summarize + "hedge.after: must be a percentile above p0 and below p100, was p0"),
				Arguments.of(summarize + "hedge.after=p9x", summarize
						+ "hedge.after: must be a duration (800ms) or a percentile of the primary's latency (p95, p99), was p9x"),
				Arguments.of(summarize + "hedge.after=soon", summarize + "hedge.after: must be a duration"),
				Arguments.of(summarize + "hedge.after=-1s", summarize + "hedge.after: must be positive, was -1s"),
				Arguments.of(summarize + "hedge.after=10s", summarize
						+ "hedge.after: must be shorter than the primary's timeout (10s), which ends its call first, was 10s"),
				Arguments.of(summarize + "stream.continuation-budget=0s",
						summarize + "stream.continuation-budget: must be positive, was 0s"),
				// Claude, which accepts a prefill, is the solo chain's primary: nothing
				// comes after it.
				Arguments.of("llm.fallback.chains.solo.stream.on-interruption=continue",
						"llm.fallback.chains.solo.stream.on-interruption: needs a provider after the first that accepts "
								+ "a prefill (type anthropic) to continue an answer on, was continue"),
				Arguments.of("llm.fallback.chains.solo.hedge.after=500ms",
						"llm.fallback.chains.solo.hedge.after: needs a second provider in the chain to hedge with, was 500ms"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidValues")
	void anInvalidValueFailsStartUpNamingTheProperty(String property, String expected) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription()).contains(expected));
	}

	@Test
	void anUnknownInterruptionModeFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.fallback.chains.summarize.stream.on-interruption=resume")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(
						"Failed to bind properties under 'llm.fallback.chains.summarize.stream.on-interruption'"));
	}

	@Test
	void retriesWithoutACategoryToRetryFailStartUp() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.retry.max-attempts=1",
					"llm.fallback.providers.gpt.retry.retry-on=")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("llm.fallback.providers.gpt.retry.retry-on: must name at least one failure category when "
						+ "max-attempts is above 0"));
	}

	static Stream<Arguments> typos() {
		return Stream.of(
				Arguments.of("llm.fallback.providers.gpt.max-concurency=10", "did you mean 'max-concurrency'?"),
				Arguments.of("llm.fallback.providers.gpt.slow-call-treshold=2s", "did you mean 'slow-call-threshold'?"),
				Arguments.of("llm.fallback.providers.gpt.retry.max-atempts=2", "did you mean 'max-attempts'?"),
				Arguments.of("llm.fallback.providers.gpt.rate-limit.request-per-minute=10",
						"did you mean 'requests-per-minute'?"),
				Arguments.of("llm.fallback.chains.summarize.retry-budjet=0.2", "did you mean 'retry-budget'?"),
				Arguments.of("llm.fallback.chains.summarize.stream.on-interuption=continue",
						"did you mean 'on-interruption'?"),
				Arguments.of("llm.fallback.chains.summarize.hedge.afer=p95", "did you mean 'after'?"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("typos")
	void aMisspeltKeyIsReportedWithTheKeyMeant(String property, String hint) {
		String key = property.substring(0, property.indexOf('='));
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains(key + ": unknown property (\"" + key + "\" from property source \"test\"); " + hint));
	}

	/** The user guide's example starts, and means what the guide says it means. */
	@Test
	void theUserGuidesExampleStarts() throws IOException {
		String guide = Files.readString(ConfigurationReferenceTests.docs("user-guide.md"));
		String section = guide.substring(guide.indexOf("## Retries, hedging and rate limits"));
		String example = section.substring(section.indexOf("```yaml") + "```yaml".length(),
				section.indexOf("```\n", 10));
		this.contextRunner.withInitializer(yaml(new ByteArrayResource(example.getBytes(StandardCharsets.UTF_8))))
			.run((context) -> {
				GuardSettings gpt = context.getBean(ProviderGuards.class).settings("gpt");
				assertThat(gpt.retry()).isEqualTo(
						new RetrySettings(1, Duration.ofMillis(200), Duration.ofSeconds(2), RetrySettings.DEFAULT_ON));
				assertThat(gpt.rateLimit()).isEqualTo(new RateLimitSettings(500, 300000, true));
				assertThat(chain(context, "summarize").hedge()).isEqualTo(HedgeSettings.afterPercentile(95, 0.05));
			});
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> yaml(Resource resource) {
		return (context) -> {
			try {
				new YamlPropertySourceLoader().load("yaml", resource)
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	private static ChainSettings chain(AssertableApplicationContext context, String name) {
		assertThat(context).hasNotFailed();
		return context.getBean(FallbackChains.class).chain(name).settings();
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		return new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
	}

}
