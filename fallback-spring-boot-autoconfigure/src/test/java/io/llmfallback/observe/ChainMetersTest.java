package io.llmfallback.observe;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProviders;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters of one logical request whose primary broke the output contract and whose fallback kept it. */
class ChainMetersTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ChainMeters meters = new ChainMeters(this.registry,
			new LlmProviders(List.of(ScriptedProvider.answering("gpt", "x"), ScriptedProvider.answering("claude", "x"))));

	@Test
	void contractChecksAndFieldCoverageArePerProviderAndPath() {
		AttemptRecord violated = new AttemptRecord("gpt", 0, "gpt-4o", AttemptOutcome.FAILED,
				FailureCategory.CONTRACT_VIOLATION, 200, Duration.ofMillis(40), null, new TokenUsage(100, 50),
				new BigDecimal("0.001"), new ContractCheck(List.of("schema: missing sentiment"), false, 0.5));
		AttemptRecord kept = new AttemptRecord("claude", 1, "claude", AttemptOutcome.SUCCESS, null, 200,
				Duration.ofMillis(60), null, new TokenUsage(100, 40), new BigDecimal("0.002"),
				new ContractCheck(List.of(), true, 1.0));
		ChatResponse served = new ChatResponse("{}", "stop", new TokenUsage(100, 40), "claude", "claude",
				Duration.ofMillis(60));
		this.meters.onOutcome(new ChainOutcome("summarize", "summarize",
				new ChainResponse(served, "summarize", "summarize", List.of(violated, kept)), null,
				List.of(violated, kept), Duration.ofMillis(100), Map.of()));

		assertThat(this.registry.get("llm.fallback.contract.checks")
			.tags("provider", "gpt", "path", "primary", "result", "violated", "schema", "noncompliant")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(this.registry.get("llm.fallback.contract.checks")
			.tags("provider", "claude", "path", "fallback", "result", "passed", "schema", "compliant")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(this.registry.get("llm.fallback.contract.field.coverage").tags("provider", "gpt").summary().mean())
			.isEqualTo(0.5);
		assertThat(this.registry.get("llm.fallback.attempts").tags("provider", "gpt", "outcome", "contract-violation")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(this.registry.get("llm.fallback.cost").tags("provider", "gpt", "path", "primary").counter().count())
			.isEqualTo(0.001);
		assertThat(this.registry.get("gen_ai.client.token.usage")
			.tags("gen_ai.request.model", "gpt-4o", "gen_ai.token.type", "output")
			.summary()
			.totalAmount()).isEqualTo(50.0);
	}

}
