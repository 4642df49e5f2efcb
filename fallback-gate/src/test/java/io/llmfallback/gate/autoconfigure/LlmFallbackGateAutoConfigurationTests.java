package io.llmfallback.gate.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.gate.GateDimension;
import io.llmfallback.gate.GateFixtures;
import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.Verdict;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.gate.internal.GateValidations;
import io.llmfallback.support.WireMockProviders;
import io.llmfallback.validation.internal.FallbackValidation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static io.llmfallback.gate.GateFixtures.answerAll;
import static io.llmfallback.gate.GateFixtures.openAiProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The compatibility gate's configuration, start-up runs and command-line run, over real
 * HTTP to WireMock providers whose answers to the test corpus differ from the primary's
 * by known amounts: {@code twin} answers exactly as the primary, {@code terse} 40%
 * shorter.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmFallbackGateAutoConfigurationTests {

	private static final ApplicationArguments NO_ARGUMENTS = new DefaultApplicationArguments();

	@RegisterExtension
	static WireMockExtension gpt = WireMockProviders.server();

	@RegisterExtension
	static WireMockExtension twin = WireMockProviders.server();

	@RegisterExtension
	static WireMockExtension terse = WireMockProviders.server();

	private final ApplicationContextRunner contextRunner = GateFixtures.contextRunner().withPropertyValues(providers());

	// Each test: the extensions reset their stubs between tests.
	@BeforeEach
	void stubAnswers() {
		answerAll(gpt, 1.0);
		answerAll(twin, 1.0);
		answerAll(terse, 0.6);
	}

	private static String[] providers() {
		return Stream
			.of(openAiProvider("gpt", "gpt-4o", gpt), openAiProvider("twin", "gpt-4o", twin),
					openAiProvider("terse", "gpt-4o-mini", terse),
					new String[] { "llm.fallback.chains.safe.providers=gpt,twin",
							"llm.fallback.chains.safe.gate-corpus=classpath:gate/corpus.jsonl",
							"llm.fallback.chains.drifting.providers=gpt,terse",
							"llm.fallback.chains.drifting.gate-corpus=classpath:gate/corpus.jsonl",
							"llm.fallback.chains.single.providers=gpt" })
			.flatMap(Arrays::stream)
			.toArray(String[]::new);
	}

	@Test
	void byDefaultNoGateRunsAndEveryChainWithFallbacksIsUnvalidatedInHealth() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ChainGates.class)
				.doesNotHaveBean(StartupGate.class)
				.doesNotHaveBean(GateCommandLineRunner.class);
			Health health = context.getBean("llmFallbackHealthIndicator", HealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("fallbacksNotPassingGate", Map.of("drifting",
					FallbackValidation.Status.UNVALIDATED, "safe", FallbackValidation.Status.UNVALIDATED));
		});
	}

	@Test
	void tolerancesComeFromProperties() {
		this.contextRunner
			.withPropertyValues("llm.fallback.gate.tolerances.mean-length=0.5",
					"llm.fallback.gate.tolerances.p95-length=0.5", "llm.fallback.gate.tolerances.cost-per-request=0.5",
					"llm.fallback.gate.tolerances.tool-call-agreement=0.05",
					"llm.fallback.gate.tolerances.enforced=mean-length,p95-length,cost-per-request")
			.run((context) -> {
				GateReport report = context.getBean(ChainGates.class).run("drifting").block();

				assertThat(report.tolerances().meanLength()).isEqualTo(0.5);
				assertThat(report.tolerances().toolCallAgreement()).isEqualTo(0.05);
				assertThat(report.tolerances().enforced()).containsExactly(GateDimension.MEAN_LENGTH,
						GateDimension.P95_LENGTH, GateDimension.COST_PER_REQUEST);
				// 40% shorter is within 50%, and the cost falls with the length.
				assertThat(report.verdict()).isEqualTo(Verdict.PASS);
				assertThat(context.getBean(GateValidations.class).of("drifting").status())
					.isEqualTo(FallbackValidation.Status.PASSED);
			});
	}

	@Test
	void invalidTolerancesFailStartUpNamingEachProperty() {
		this.contextRunner
			.withPropertyValues("llm.fallback.gate.tolerances.mean-length=-0.1",
					"llm.fallback.gate.tolerances.p95-latency=NaN")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidLlmFallbackConfigurationException.class)
				.hasMessageContaining(
						"llm.fallback.gate.tolerances.mean-length: must be a finite number of at least 0, was -0.1")
				.hasMessageContaining(
						"llm.fallback.gate.tolerances.p95-latency: must be a finite number of at least 0, was NaN"));
	}

	static Stream<Arguments> commandLineRunsThatCannotRun() {
		return Stream.of(
				Arguments.of(new String[] { "llm.fallback.gate.chain=nope" },
						"llm.fallback.gate.chain: no chain named 'nope'; configured chains: [safe, drifting, single]"),
				Arguments.of(new String[] { "llm.fallback.gate.corpus=classpath:gate/corpus.jsonl" },
						"llm.fallback.gate.chain: is required with llm.fallback.gate.corpus when there is not exactly "
								+ "one chain; configured chains: [safe, drifting, single]"),
				Arguments.of(
						new String[] { "llm.fallback.gate.chain=safe",
								"llm.fallback.gate.corpus=classpath:nope.jsonl" },
						"llm.fallback.gate.corpus: no resource at 'classpath:nope.jsonl'"),
				Arguments.of(new String[] { "llm.fallback.gate.chain=single" },
						"llm.fallback.gate.corpus: is required: chain 'single' has no llm.fallback.chains.single.gate-corpus"));
	}

	/**
	 * Start-up succeeds: the run reports the problem and exits as "could not run", not as
	 * a failed gate.
	 */
	@ParameterizedTest
	@MethodSource("commandLineRunsThatCannotRun")
	void aCommandLineRunThatCannotRunSaysWhyAndExitsWith2(String[] properties, String problem, CapturedOutput output) {
		this.contextRunner.withPropertyValues(properties)
			.withPropertyValues("llm.fallback.gate.exit-when-done=false")
			.run((context) -> {
				GateCommandLineRunner runner = context.getBean(GateCommandLineRunner.class);
				runner.run(NO_ARGUMENTS);
				assertThat(runner.getExitCode()).isEqualTo(GateCommandLineRunner.NOT_RUN);
			});
		assertThat(output).contains("The compatibility gate cannot run:\n  - " + problem);
	}

	@Test
	void aStartupRunWithoutAnyCorpusIsAConfigurationError() {
		GateFixtures.contextRunner()
			.withPropertyValues(openAiProvider("gpt", "gpt-4o", gpt))
			.withPropertyValues("llm.fallback.chains.single.providers=gpt", "llm.fallback.gate.on-startup=block")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.fallback.gate.on-startup: is block, but no chain has a "
						+ "llm.fallback.chains.<name>.gate-corpus to run the gate on"));
	}

	@Test
	void aStartupRunInTheBackgroundMarksEachChainInHealth() {
		this.contextRunner.withPropertyValues("llm.fallback.gate.on-startup=run").run((context) -> {
			context.getBean(StartupGate.class).run(NO_ARGUMENTS);

			GateValidations validations = context.getBean(GateValidations.class);
			await().until(() -> validations.of("drifting").status() != FallbackValidation.Status.UNVALIDATED
					&& validations.of("safe").status() != FallbackValidation.Status.UNVALIDATED);
			assertThat(validations.of("safe").status()).isEqualTo(FallbackValidation.Status.PASSED);
			FallbackValidation drifting = validations.of("drifting");
			assertThat(drifting.status()).isEqualTo(FallbackValidation.Status.FAILED);
			assertThat(drifting.corpusSize()).isEqualTo(10);
			assertThat(drifting.findings())
				.anySatisfy((finding) -> assertThat(finding).contains("terse").contains("mean output length -40.0%"));
			Health health = context.getBean("llmFallbackHealthIndicator", HealthIndicator.class).health(true);
			assertThat(health.getDetails()).containsEntry("fallbacksNotPassingGate",
					Map.of("drifting", FallbackValidation.Status.FAILED));
		});
	}

	@Test
	void aCommandLineRunReplacesTheStartupRun() {
		this.contextRunner
			.withPropertyValues("llm.fallback.gate.on-startup=block", "llm.fallback.gate.chain=safe",
					"llm.fallback.gate.exit-when-done=false")
			.run((context) -> assertThat(context).hasSingleBean(GateCommandLineRunner.class)
				.doesNotHaveBean(StartupGate.class));
	}

	@Test
	void aBlockingStartupRunStopsStartUpWithTheFindings(CapturedOutput output) {
		assertThatExceptionOfType(StartupGateFailedException.class)
			.isThrownBy(() -> application().run("--llm.fallback.gate.on-startup=block"))
			.satisfies((ex) -> assertThat(ex.getReports()).extracting(GateReport::chain).containsExactly("drifting"));
		assertThat(output)
			.contains("A chain's fallbacks are not semantically safe (llm.fallback.gate.on-startup=block)")
			.contains("mean output length -40.0%")
			.contains("llm.fallback.gate.on-startup=run reports without blocking");
	}

	@Test
	void aCommandLineRunWritesTheReportInEveryFormatAndSetsTheExitCode(@TempDir Path reports) throws Exception {
		try (ConfigurableApplicationContext context = application().run("--llm.fallback.gate.chain=drifting",
				"--llm.fallback.gate.exit-when-done=false", "--llm.fallback.gate.report-dir=" + reports)) {
			assertThat(SpringApplication.exit(context)).isEqualTo(GateCommandLineRunner.FAILED);
		}
		assertThat(reports.resolve("drifting-gate.json")).content().contains("\"verdict\" : \"fail\"");
		assertThat(reports.resolve("drifting-gate.md")).content().contains("mean output length -40.0%");
		assertThat(Files.readString(reports.resolve("drifting-gate.html"))).startsWith("<!DOCTYPE html>");
	}

	@Test
	void aCommandLineRunOfAPassingChainExitsWithZero(@TempDir Path reports) {
		try (ConfigurableApplicationContext context = application().run("--llm.fallback.gate.chain=safe",
				"--llm.fallback.gate.exit-when-done=false", "--llm.fallback.gate.report-dir=" + reports)) {
			assertThat(SpringApplication.exit(context)).isEqualTo(GateCommandLineRunner.PASSED);
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(GateApplication.class).web(WebApplicationType.NONE).properties(providers());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
			LlmFallbackGateAutoConfiguration.class })
	static class GateApplication {

	}

}
