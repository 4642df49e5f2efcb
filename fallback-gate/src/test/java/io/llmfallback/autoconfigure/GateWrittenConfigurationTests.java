package io.llmfallback.autoconfigure;

import java.time.Duration;
import java.util.stream.Stream;

import io.llmfallback.gate.autoconfigure.LlmFallbackGateAutoConfiguration;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.review.ReviewReport;
import io.llmfallback.review.internal.TrafficReview;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static io.llmfallback.autoconfigure.WrittenConfigurationTests.analysis;
import static io.llmfallback.autoconfigure.WrittenConfigurationTests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate's keys as a user writes them, with the fallback-gate module present: checked
 * as any other key under {@code llm.fallback} (a misspelt one fails start-up with the
 * closest valid key), and every problem named with the value as written.
 */
class GateWrittenConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackGateAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.chains.summarize.providers=gpt");

	static Stream<Arguments> typos() {
		return Stream.of(
				Arguments.of("llm.fallback.review.min-sample=5", "llm.fallback.review.min-sample",
						"did you mean 'min-samples'?"),
				Arguments.of("llm.fallback.gate.on-statup=run", "llm.fallback.gate.on-statup",
						"did you mean 'on-startup'?"),
				Arguments.of("llm.fallback.gate.tolerances.mean-lenght=0.2", "llm.fallback.gate.tolerances.mean-lenght",
						"did you mean 'mean-length'?"),
				Arguments.of("llm.fallback.chains.summarize.gate-corpse=classpath:gate/corpus.jsonl",
						"llm.fallback.chains.summarize.gate-corpse", "did you mean 'gate-corpus'?"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("typos")
	void unknownKeyFailsStartUpSuggestingTheClosestValidOne(String property, String key, String hint) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains(key + ": unknown property (\"" + key + "\" from property source \"test\"); " + hint));
	}

	static Stream<Arguments> invalidValues() {
		return Stream.of(
				Arguments.of("llm.fallback.gate.tolerances.p95-latency=-2.50",
						"llm.fallback.gate.tolerances.p95-latency: must be a finite number of at least 0, was -2.50"),
				Arguments.of("llm.fallback.gate.tolerances.tool-call-agreement=-0.1",
						"llm.fallback.gate.tolerances.tool-call-agreement: must be a finite number of at least 0, was -0.1"),
				Arguments.of("llm.fallback.chains.summarize.gate-corpus=classpath:gate/missing.jsonl",
						"llm.fallback.chains.summarize.gate-corpus: no resource at 'classpath:gate/missing.jsonl'"),
				Arguments.of("llm.fallback.review.window=30s",
						"llm.fallback.review.window: must be at least 1m, was 30s"),
				Arguments.of("llm.fallback.review.min-samples=0",
						"llm.fallback.review.min-samples: must be at least 1, was 0"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidValues")
	void invalidValueFailsStartUpNamingTheProperty(String property, String expected) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(analysis(context).getDescription()).contains(expected));
	}

	@Test
	void everyKeyAUserMayWriteStartsAndBinds() {
		this.contextRunner.withInitializer(yaml("config/every-key.yml")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ChainGates.class).chainsWithCorpus()).containsExactly("summarize");
			ReviewReport review = context.getBean(TrafficReview.class).report("summarize");
			assertThat(review.windowMs()).isEqualTo(Duration.ofHours(12).toMillis());
			assertThat(review.minSamples()).isEqualTo(10);
		});
	}

}
