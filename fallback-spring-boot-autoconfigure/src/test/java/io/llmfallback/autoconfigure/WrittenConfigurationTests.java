package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration as a user writes it: a misspelt key anywhere under {@code llm.fallback}
 * fails start-up with the closest valid key, a duration without a unit is seconds, and
 * problems echo values as written.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrittenConfigurationTests {

	private static final String API_KEY = "sk-test-key-1234567890";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=" + API_KEY, "llm.fallback.chains.summarize.providers=gpt");

	static Stream<Arguments> typos() {
		return Stream.of(
				Arguments.of("llm.fallback.providers.gpt.api-kee=" + API_KEY, "llm.fallback.providers.gpt.api-kee",
						"did you mean 'api-key'?"),
				Arguments.of("llm.fallback.chains.summarize.latency-budjet=5s",
						"llm.fallback.chains.summarize.latency-budjet", "did you mean 'latency-budget'?"),
				Arguments.of("llm.fallback.circut-breaker.failure-threshold=5",
						"llm.fallback.circut-breaker.failure-threshold", "did you mean 'circuit-breaker'?"),
				Arguments.of("llm.fallback.circuit-breaker.failure-treshold=5",
						"llm.fallback.circuit-breaker.failure-treshold", "did you mean 'failure-threshold'?"),
				Arguments.of("llm.fallback.providers.gpt.circuit-breaker.open-duraton=5s",
						"llm.fallback.providers.gpt.circuit-breaker.open-duraton", "did you mean 'open-duration'?"),
				Arguments.of("llm.fallback.providers.gpt.pricing.input-per-milion-tokens=2",
						"llm.fallback.providers.gpt.pricing.input-per-milion-tokens",
						"did you mean 'input-per-million-tokens'?"),
				Arguments.of("llm.fallback.providers.gpt.adaptation.temprature=0.2",
						"llm.fallback.providers.gpt.adaptation.temprature", "did you mean 'temperature'?"),
				Arguments.of("llm.fallback.chains.summarize.output-contract.max-lenght=10",
						"llm.fallback.chains.summarize.output-contract.max-lenght", "did you mean 'max-length'?"),
				Arguments.of("llm.fallback.chains.summarize.falback-on=timeout",
						"llm.fallback.chains.summarize.falback-on", "did you mean 'fallback-on'?"),
				Arguments.of("llm.fallback.alerts.activation-rate.treshold=0.1",
						"llm.fallback.alerts.activation-rate.treshold", "did you mean 'threshold'?"),
				Arguments.of("llm.fallback.alerts.min-request=5", "llm.fallback.alerts.min-request",
						"did you mean 'min-requests'?"),
				Arguments.of("llm.fallback.spend-guard.max-spent=5", "llm.fallback.spend-guard.max-spent",
						"did you mean 'max-spend'?"),
				Arguments.of("llm.fallback.observability.capture-contents=true",
						"llm.fallback.observability.capture-contents", "did you mean 'capture-content'?"),
				Arguments.of("llm.fallback.providers.gpt.max-tokens.output=100",
						"llm.fallback.providers.gpt.max-tokens.output",
						"llm.fallback.providers.gpt.max-tokens takes a single value"),
				Arguments.of("llm.fallback.provider.gpt.type=openai", "llm.fallback.provider.gpt.type",
						"did you mean 'providers'?"),
				Arguments.of("llm.fallback.shadow-traffic=true", "llm.fallback.shadow-traffic",
						"valid here: alerts, chains, circuit-breaker, "
								+ "enabled, gate, max-in-flight-response-size, observability, openai-api, providers, review, spend-guard"),
				Arguments.of("llm.fallback.openai-api.api-key=gw-test-key-1234567890",
						"llm.fallback.openai-api.api-key", "did you mean 'api-keys'?"),
				Arguments.of("llm.fallback.openai-api.enabeld=true", "llm.fallback.openai-api.enabeld",
						"did you mean 'enabled'?"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("typos")
	void unknownKeyFailsStartUpSuggestingTheClosestValidOne(String property, String key, String hint) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains(key + ": unknown property (\"" + key + "\" from property source \"test\"); " + hint)
				.doesNotContain(API_KEY));
	}

	@Test
	void unknownKeyNamesTheFileAndLineItWasWrittenOn() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
			.withInitializer(yaml("config/typos.yml"))
			.run((context) -> assertThat(analysis(context).getDescription()).contains(
					"llm.fallback.providers.gpt.api-kee: unknown property (class path resource [config/typos.yml] - 8:18); "
							+ "did you mean 'api-key'?",
					"llm.fallback.chains.summarize.latency-budjet: unknown property "
							+ "(class path resource [config/typos.yml] - 12:25); did you mean 'latency-budget'?")
				.doesNotContain("sk-typo-key-0987654321"));
	}

	/**
	 * Without the fallback-gate module its keys are not checked, even when wrong, and
	 * start-up says once that they are ignored: one configuration serves the build that
	 * runs the gate and the application without it.
	 */
	@Test
	void keysOfTheAbsentGateModuleAreIgnoredWithAWarning(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("llm.fallback.gate.on-startup=block", "llm.fallback.review.min-sample=0",
					"llm.fallback.chains.summarize.gate-corpus=classpath:gate/missing.jsonl")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output)
			.containsOnlyOnce(
					"they configure the module io.llmfallback:fallback-gate, which is not on " + "the class path")
			.contains("Ignoring ", "llm.fallback.gate.on-startup", "llm.fallback.review.min-sample",
					"llm.fallback.chains.summarize.gate-corpus");
	}

	@Test
	void everyKeyAUserMayWriteStartsAndBinds() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
					LlmFallbackAutoConfiguration.class, LlmFallbackSpringAiAutoConfiguration.class))
			.withBean("ollamaChatModel", ChatModel.class, () -> (prompt) -> new ChatResponse(List.of()))
			.withInitializer(yaml("config/every-key.yml"))
			.withInitializer(yaml("config/every-key-spring-ai.yml"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LlmProviders.class).get("local").type()).isEqualTo(ProviderType.SPRING_AI);
				ProviderSettings gpt = context.getBean(LlmFallbackSettings.class).providers().get("gpt");
				assertThat(gpt.headers()).containsEntry("OpenAI-Organization", "org-1")
					.containsEntry("x.custom.header", "dotted");
				assertThat(gpt.timeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(gpt.capabilities()).isEqualTo(new ProviderCapabilities(false, false, false, 64_000));
				assertThat(context.getBean(FallbackChains.class).chain("summarize").settings().latencyBudget())
					.isEqualTo(Duration.ofSeconds(20));
				assertThat(context.getBean(LlmFallbackProperties.class).getAlerts().getEvaluationInterval())
					.isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void environmentVariablesWriteKeysWithoutDashes() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("LLM_FALLBACK_PROVIDERS_GPT_MAX_TOKENS", "100",
					"LLM_FALLBACK_PROVIDERS_GPT_MAXTOKENS", "100", "LLM_FALLBACK_CHAINS_SUMMARIZE_LATENCYBUDGET", "7")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LlmFallbackSettings.class).providers().get("gpt").maxTokens())
					.isEqualTo(100);
				assertThat(context.getBean(FallbackChains.class).chain("summarize").settings().latencyBudget())
					.isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void misspeltEnvironmentVariableFailsStartUp() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("LLM_FALLBACK_CHAINS_SUMMARIZE_LATENCYBUDJET", "7")))
			.run((context) -> assertThat(analysis(context).getDescription()).contains(
					"llm.fallback.chains.summarize.latencybudjet: unknown property (\"LLM_FALLBACK_CHAINS_SUMMARIZE_LATENCYBUDJET\" "
							+ "from property source \"systemEnvironment\"); did you mean 'latency-budget'?"));
	}

	@Test
	void durationsWithoutAUnitAreSeconds() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.timeout=10",
					"llm.fallback.chains.summarize.latency-budget=20", "llm.fallback.circuit-breaker.open-duration=45",
					"llm.fallback.spend-guard.window=120")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LlmFallbackSettings.class).providers().get("gpt").timeout())
					.isEqualTo(Duration.ofSeconds(10));
				assertThat(context.getBean(FallbackChains.class).chain("summarize").settings().latencyBudget())
					.isEqualTo(Duration.ofSeconds(20));
				assertThat(context.getBean(LlmFallbackSettings.class).breakers().get("gpt").openDuration())
					.isEqualTo(Duration.ofSeconds(45));
				assertThat(context.getBean(LlmFallbackProperties.class).getSpendGuard().getWindow())
					.isEqualTo(Duration.ofMinutes(2));
			});
	}

	static Stream<Arguments> valuesAsWritten() {
		return Stream.of(
				Arguments.of("llm.fallback.providers.gpt.timeout=-5s",
						"llm.fallback.providers.gpt.timeout: must be positive, was -5s"),
				Arguments.of("llm.fallback.alerts.activation-rate.window=30",
						"llm.fallback.alerts.activation-rate.window: must be at least 1m, was 30"),
				Arguments.of("llm.fallback.circuit-breaker.failure-window=500ms",
						"llm.fallback.circuit-breaker.failure-window: must be at least 1s, was 500ms"),
				Arguments.of("llm.fallback.alerts.blended-cost-ratio.threshold=-0.50",
						"llm.fallback.alerts.blended-cost-ratio.threshold: must be a finite number of at least 0, was -0.50"),
				Arguments.of("llm.fallback.providers.gpt.base-url=api.openai.com",
						"llm.fallback.providers.gpt.base-url: 'api.openai.com' is not an absolute http(s) URL such as "
								+ "https://api.openai.com"),
				Arguments.of("llm.fallback.providers.gpt.base-url=ftp://example.com",
						"llm.fallback.providers.gpt.base-url: 'ftp://example.com' is not an absolute http(s) URL"),
				Arguments.of("llm.fallback.providers.gpt.base-url=https://exa mple.com",
						"llm.fallback.providers.gpt.base-url: 'https://exa mple.com' is not an absolute http(s) URL"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("valuesAsWritten")
	void problemsEchoValuesAsWritten(String property, String expected) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription()).contains(expected));
	}

	@Test
	void aProviderNameWithCapitalsIsReportedLikeAnyOther() {
		// Map keys keep the user's capitals; a property name built from one is not in
		// canonical form.
		this.contextRunner.withPropertyValues("llm.fallback.providers.OpenAI.type=openai",
				"llm.fallback.providers.OpenAI.base-url=https://api.openai.com",
				"llm.fallback.providers.OpenAI.model=gpt-4o", "llm.fallback.providers.OpenAI.max-tokens=0",
				"llm.fallback.providers.OpenAI.timeout=-5000ms", "llm.fallback.chains.summarize.providers=gpt,OpenAI")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("llm.fallback.providers.OpenAI.max-tokens: must be at least 1, was 0")
				.contains("llm.fallback.providers.OpenAI.timeout: must be positive, was -5000ms"));
	}

	@Test
	void baseUrlExampleFollowsTheProviderType() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.claude.type=anthropic",
					"llm.fallback.providers.claude.base-url=api.anthropic.com",
					"llm.fallback.providers.claude.model=claude-sonnet-4-5")
			.run((context) -> assertThat(analysis(context).getDescription()).contains(
					"llm.fallback.providers.claude.base-url: 'api.anthropic.com' is not an absolute http(s) URL such as "
							+ "https://api.anthropic.com"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("keysInBaseUrls")
	void keyPastedIntoTheBaseUrlIsNotInTheReport(String baseUrl, String shown) {
		this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.base-url=" + baseUrl)
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("'" + shown + "' is not an absolute http(s) URL")
				.doesNotContain(API_KEY)
				.doesNotContain("other-secret"));
	}

	static Stream<Arguments> keysInBaseUrls() {
		return Stream.of(
				Arguments.of("generativelanguage.googleapis.com?key=other-secret",
						"generativelanguage.googleapis.com?..."),
				Arguments.of("ftp://user:other-secret@example.com/v1", "ftp://...@example.com/v1"),
				Arguments.of("api.example.com/" + API_KEY + "/v1", "api.example.com/******/v1"));
	}

	static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	static ApplicationContextInitializer<ConfigurableApplicationContext> yaml(String location) {
		return (context) -> {
			try {
				new YamlPropertySourceLoader().load(location, new ClassPathResource(location))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	/** Replaces the environment variables with the process's own plus the given ones. */
	private static ApplicationContextInitializer<ConfigurableApplicationContext> environmentVariables(
			Map<String, String> variables) {
		return (context) -> {
			Map<String, Object> merged = new LinkedHashMap<>(System.getenv());
			merged.putAll(variables);
			context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								merged));
		};
	}

}
