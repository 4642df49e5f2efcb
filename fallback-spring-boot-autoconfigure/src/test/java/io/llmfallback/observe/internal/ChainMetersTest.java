package io.llmfallback.observe.internal;

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
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters of logical requests, from the attempts their outcomes list. */
class ChainMetersTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ChainMeters meters = new ChainMeters(this.registry, new LlmProviders(
			List.of(ScriptedProvider.answering("gpt", "x"), ScriptedProvider.answering("claude", "x"))));

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
		assertThat(this.registry.get("llm.fallback.attempts")
			.tags("provider", "gpt", "outcome", "contract-violation")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(this.registry.get("llm.fallback.cost").tags("provider", "gpt", "path", "primary").counter().count())
			.isEqualTo(0.001);
		assertThat(this.registry.get("gen_ai.client.token.usage")
			.tags("gen_ai.request.model", "gpt-4o", "gen_ai.token.type", "output")
			.summary()
			.totalAmount()).isEqualTo(50.0);
	}

	@Test
	void attemptsGivenUpOrNotMadeAreCountedByWhy() {
		List<AttemptRecord> attempts = List.of(attempt("gpt", 0, AttemptOutcome.CANCELLED, 0, false),
				attempt("gpt", 0, AttemptOutcome.BULKHEAD_FULL, 0, false),
				attempt("gpt", 0, AttemptOutcome.THROTTLED, 0, false),
				attempt("claude", 1, AttemptOutcome.HEDGE_LOST, 0, true),
				attempt("claude", 1, AttemptOutcome.MAX_ATTEMPTS, 0, false));
		this.meters.onOutcome(
				new ChainOutcome("summarize", "summarize", null, null, attempts, Duration.ofMillis(100), Map.of()));

		for (String label : List.of("cancelled", "bulkhead-full", "throttled")) {
			assertThat(attempts("gpt", label)).as(label).isEqualTo(1.0);
		}
		assertThat(attempts("claude", "hedge-lost")).isEqualTo(1.0);
		assertThat(attempts("claude", "max-attempts")).isEqualTo(1.0);
	}

	@Test
	void hedgesAreCountedAsStartedAndWonByTheHedgeThatServed() {
		// Request 1: the primary was slow, the hedge answered first.
		AttemptRecord lostPrimary = attempt("gpt", 0, AttemptOutcome.HEDGE_LOST, 0, false);
		AttemptRecord wonHedge = attempt("claude", 1, AttemptOutcome.SUCCESS, 0, true);
		served("claude", lostPrimary, wonHedge);
		// Request 2: the primary answered first after all, the hedge was given up.
		served("gpt", attempt("gpt", 0, AttemptOutcome.SUCCESS, 0, false),
				attempt("claude", 1, AttemptOutcome.HEDGE_LOST, 0, true));

		assertThat(hedges("claude", "started")).isEqualTo(2.0);
		assertThat(hedges("claude", "won")).isEqualTo(1.0);
		assertThat(this.registry.find("llm.fallback.hedges").tag("provider", "gpt").counters()).isEmpty();
	}

	@Test
	void retriesAreCountedByHowTheyEnded() {
		served("gpt", attempt("gpt", 0, AttemptOutcome.FAILED, 0, false),
				attempt("gpt", 0, AttemptOutcome.FAILED, 1, false),
				attempt("gpt", 0, AttemptOutcome.SUCCESS, 2, false));

		assertThat(this.registry.get("llm.fallback.retries")
			.tags("chain", "summarize", "provider", "gpt", "outcome", "server-error")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(this.registry.get("llm.fallback.retries")
			.tags("chain", "summarize", "provider", "gpt", "outcome", "success")
			.counter()
			.count()).isEqualTo(1.0);
		// The first call is no retry.
		assertThat(attempts("gpt", "server-error")).isEqualTo(2.0);
		assertThat(this.registry.get("llm.fallback.retries").counters()).hasSize(2);
	}

	private void served(String provider, AttemptRecord... attempts) {
		ChatResponse served = new ChatResponse("x", "stop", new TokenUsage(10, 10), provider, "model",
				Duration.ofMillis(60));
		this.meters.onOutcome(new ChainOutcome("summarize", "summarize",
				new ChainResponse(served, "summarize", "summarize", List.of(attempts)), null, List.of(attempts),
				Duration.ofMillis(100), Map.of()));
	}

	private static AttemptRecord attempt(String provider, int index, AttemptOutcome outcome, int retry, boolean hedge) {
		return new AttemptRecord(provider, index, "model", outcome,
				(outcome == AttemptOutcome.FAILED) ? FailureCategory.SERVER_ERROR : null, null, Duration.ofMillis(10),
				null, TokenUsage.NONE, BigDecimal.ZERO, ContractCheck.UNCHECKED, false, retry, hedge);
	}

	private double attempts(String provider, String outcome) {
		return this.registry.get("llm.fallback.attempts")
			.tags("chain", "summarize", "provider", provider, "outcome", outcome)
			.counter()
			.count();
	}

	private double hedges(String provider, String result) {
		return this.registry.get("llm.fallback.hedges")
			.tags("chain", "summarize", "provider", provider, "result", result)
			.counter()
			.count();
	}

}
