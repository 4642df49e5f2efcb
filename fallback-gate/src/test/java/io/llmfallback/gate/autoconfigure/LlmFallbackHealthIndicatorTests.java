package io.llmfallback.gate.autoconfigure;

import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.gate.GateFixtures;
import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.Verdict;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.support.WireMockProviders;
import io.llmfallback.validation.internal.FallbackValidation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.llmfallback.gate.GateFixtures.answerAll;
import static io.llmfallback.gate.GateFixtures.openAiProvider;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health component's {@code fallbacksNotPassingGate}: only chains that have a gate
 * corpus, over real HTTP to WireMock providers ({@code twin} answers the corpus exactly
 * as the primary does).
 */
class LlmFallbackHealthIndicatorTests {

	@RegisterExtension
	static WireMockExtension gpt = WireMockProviders.server();

	@RegisterExtension
	static WireMockExtension twin = WireMockProviders.server();

	private final ApplicationContextRunner contextRunner = GateFixtures.contextRunner()
		.withPropertyValues(openAiProvider("gpt", "gpt-4o", gpt))
		.withPropertyValues(openAiProvider("twin", "gpt-4o", twin))
		.withPropertyValues("llm.fallback.chains.plain.providers=gpt,twin");

	@BeforeEach
	void stubAnswers() {
		answerAll(gpt, 1.0);
		answerAll(twin, 1.0);
	}

	@Test
	void chainsWithoutACorpusNeverAppear() {
		this.contextRunner.run((context) -> {
			assertThat(health(context).getDetails()).doesNotContainKey("fallbacksNotPassingGate")
				.containsKeys("openBreakers", "firingAlerts");
		});
	}

	@Test
	void aChainWithACorpusAppearsUntilItsGatePassesAndOneWithoutNever() {
		this.contextRunner
			.withPropertyValues("llm.fallback.chains.gated.providers=gpt,twin",
					"llm.fallback.chains.gated.gate-corpus=classpath:gate/corpus.jsonl")
			.run((context) -> {
				assertThat(health(context).getDetails()).containsEntry("fallbacksNotPassingGate",
						Map.of("gated", FallbackValidation.Status.UNVALIDATED));

				GateReport report = context.getBean(ChainGates.class).run("gated").block();

				assertThat(report.verdict()).isEqualTo(Verdict.PASS);
				assertThat(health(context).getDetails()).containsEntry("fallbacksNotPassingGate", Map.of());
			});
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean("llmFallbackHealthIndicator", HealthIndicator.class).health(true);
	}

}
