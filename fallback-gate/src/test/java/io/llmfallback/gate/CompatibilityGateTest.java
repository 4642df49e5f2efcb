package io.llmfallback.gate;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The gate with in-memory providers: what it does with providers that hang, throw or
 * complete empty, how it sends requests to fallbacks, where schemas come from, and how it
 * is built.
 */
class CompatibilityGateTest {

	private static final GateCorpus CORPUS = GateCorpus.parse("""
			{"id":"a","prompt":"first","maxTokens":2000}
			{"id":"b","prompt":"second"}
			{"id":"c","prompt":"third"}
			""");

	@Test
	void failedCallsAreRecordedAndTheRunGoesOn() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "ok");
		ScriptedProvider hanging = ScriptedProvider.hanging("hanging", Duration.ofSeconds(30));
		ScriptedProvider throwing = ScriptedProvider.of("throwing", (request) -> {
			throw new IllegalStateException("bug in a custom provider");
		});
		ScriptedProvider empty = ScriptedProvider.of("empty", (request) -> Mono.empty());
		// A well-formed answer the provider bills for and then rejects: its tokens count.
		ScriptedProvider billed = ScriptedProvider.of("billed", (request) -> Mono.error(ProviderException
			.contractViolation("billed", List.of("refused to follow the format"), new TokenUsage(100, 50))));

		GateReport report = CompatibilityGate.builder(primary)
			.fallback(hanging, throwing, empty, billed)
			.pricing(Map.of("primary", new Pricing(BigDecimal.ONE, BigDecimal.TEN), "billed",
					new Pricing(BigDecimal.ONE, BigDecimal.TEN)))
			.callTimeout(Duration.ofMillis(100))
			.build()
			.runBlocking(CORPUS);

		assertThat(report.provider("hanging").failuresByCategory()).containsExactly(Map.entry("timeout", 3));
		assertThat(report.provider("hanging").lines().get(0).error()).isEqualTo("no answer within 100 ms");
		assertThat(report.provider("hanging").lines().get(0).latencyMs()).isGreaterThanOrEqualTo(100.0);
		assertThat(report.provider("throwing").failuresByCategory()).containsExactly(Map.entry("invalid-response", 3));
		assertThat(report.provider("throwing").lines().get(0).error()).isEqualTo("unexpected IllegalStateException");
		assertThat(report.provider("empty").lines().get(0).error()).contains("completed without a response");
		ProviderStats billedStats = report.provider("billed");
		assertThat(billedStats.failuresByCategory()).containsExactly(Map.entry("contract-violation", 3));
		assertThat(billedStats.inputTokens()).isEqualTo(300);
		assertThat(billedStats.outputTokens()).isEqualTo(150);
		// (100 * $1 + 50 * $10) / 1M per call
		assertThat(billedStats.costPerRequest()).isEqualByComparingTo("0.0006");
		for (String name : List.of("hanging", "throwing", "empty", "billed")) {
			ProviderStats stats = report.provider(name);
			assertThat(stats.failures()).as(name).isEqualTo(3);
			assertThat(stats.failureRate()).as(name).isEqualTo(1.0);
			assertThat(stats.outputLength()).as(name).isNull();
			FallbackVerdict verdict = report.verdictOf(name);
			assertThat(verdict.dimension(GateDimension.FAILURE_RATE).summary())
				.isEqualTo(name + ": failure rate +100.0 pp vs primary (tolerance 15 pp): FAIL");
			assertThat(verdict.dimension(GateDimension.MEAN_LENGTH).verdict()).isEqualTo(Verdict.FAIL);
			assertThat(verdict.dimension(GateDimension.MEAN_LENGTH).summary())
				.isEqualTo(name + ": mean output length: no answer to measure (primary 2 chars): FAIL");
			// Neither the primary nor the fallback had a line with a schema.
			assertThat(verdict.dimension(GateDimension.SCHEMA_COMPLIANCE).verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
		}
		assertThat(report.verdictOf("billed").dimension(GateDimension.COST_PER_REQUEST).verdict())
			.isEqualTo(Verdict.FAIL);
		assertThat(report.verdictOf("hanging").dimension(GateDimension.COST_PER_REQUEST).summary())
			.isEqualTo("hanging: cost per request: not applicable (no price for hanging) (informational)");
		assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
	}

	@Test
	void fallbacksGetTheRequestAsAChainSendsIt() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "ok");
		ScriptedProvider fallback = ScriptedProvider.answering("fallback", "ok");
		CompatibilityGate gate = CompatibilityGate.builder(primary)
			.fallback(fallback)
			.fallbackMaxTokens(500)
			.concurrency(1)
			.build();

		gate.runBlocking(CORPUS);

		assertThat(primary.received()).extracting(ChatRequest::maxTokens).containsExactly(2000, null, null);
		// min(asked, cap); the provider's default (4096) when the line asks for none.
		assertThat(fallback.received()).extracting(ChatRequest::maxTokens).containsExactly(500, 500, 500);
		assertThat(fallback.received()).extracting(ChatRequest::model).containsOnlyNulls();
	}

	@Test
	void theChainContractSchemaAppliesToLinesWithoutOne() {
		OutputContract contract = new OutputContract(
				OutputContract.parseSchema(
						"""
								{"type":"object","required":["answer"],"properties":{"answer":{"type":"string"},"source":{"type":"string"}}}
								"""),
				null, null, false, OnViolation.NEXT_PROVIDER);
		GateCorpus corpus = GateCorpus.parse("""
				{"id":"own","prompt":"q1","schema":{"type":"object","required":["other"],"properties":{"other":{}}}}
				{"id":"chain","prompt":"q2"}
				""");
		ScriptedProvider primary = ScriptedProvider.of("primary",
				(request) -> Mono.just(response("primary", request.messages().get(0).content().equals("q1")
						? "{\"other\":1}" : "{\"answer\":\"x\",\"source\":\"y\"}")));
		ScriptedProvider prose = ScriptedProvider.answering("prose", "The answer is x.");
		ScriptedProvider partial = ScriptedProvider.of("partial",
				(request) -> Mono.just(response("partial", request.messages().get(0).content().equals("q1")
						? "{\"other\":1}" : "```json\n{\"answer\":\"x\"}\n```")));

		GateReport report = CompatibilityGate.builder(primary)
			.fallback(prose, partial)
			.contract(contract)
			.build()
			.runBlocking(corpus);

		assertThat(report.schemaLines()).isEqualTo(2);
		assertThat(report.primary().schemaCompliance()).isEqualTo(1.0);
		assertThat(report.provider("prose").schemaCompliance()).isEqualTo(0.0);
		assertThat(report.provider("prose").fieldCoverage()).isEqualTo(0.0);
		assertThat(report.provider("prose").lines().get(1).violations()).containsExactly("output is not JSON");
		// Valid against the chain schema (source is optional) but with half its
		// properties.
		assertThat(report.provider("partial").schemaCompliance()).isEqualTo(1.0);
		assertThat(report.provider("partial").fieldCoverage()).isEqualTo(0.75);
		assertThat(report.verdictOf("partial").dimension(GateDimension.FIELD_COVERAGE).summary())
			.isEqualTo("partial: field coverage -25.0 pp vs primary (tolerance 15 pp): FAIL");
	}

	@Test
	void concurrencyIsBounded() {
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		java.util.function.Function<String, ScriptedProvider> counting = (name) -> ScriptedProvider.of(name,
				(request) -> Mono.delay(Duration.ofMillis(5))
					.doOnSubscribe((subscription) -> most.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
					// Counted out before the answer leaves, since the gate may start the
					// next call on it.
					.doOnNext((tick) -> inFlight.decrementAndGet())
					.map((tick) -> response(name, "ok")));

		GateReport report = CompatibilityGate.builder(counting.apply("p"))
			.fallback(counting.apply("f1"), counting.apply("f2"))
			.concurrency(2)
			.build()
			.runBlocking(CORPUS);

		assertThat(report.passed()).isTrue();
		assertThat(most.get()).isEqualTo(2);
	}

	@Test
	void runIsLazyAndEachSubscriptionReplaysTheCorpus() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "ok");
		Mono<GateReport> run = CompatibilityGate.builder(primary)
			.fallback(ScriptedProvider.answering("fallback", "ok"))
			.clock(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC))
			.build()
			.run(CORPUS);
		assertThat(primary.received()).isEmpty();

		StepVerifier.create(run)
			.assertNext((report) -> assertThat(report.generatedAt()).isEqualTo("2026-01-02T03:04:05Z"))
			.verifyComplete();
		StepVerifier.create(run).expectNextCount(1).verifyComplete();

		assertThat(primary.received()).hasSize(6);
	}

	@Test
	void forChainTakesTheChainsProvidersContractAndCap() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "{\"answer\":\"x\"}");
		ScriptedProvider fallback = ScriptedProvider.answering("fallback", "{\"answer\":\"x\"}");
		OutputContract contract = new OutputContract(
				OutputContract.parseSchema("{\"type\":\"object\",\"required\":[\"answer\"]}"), null, null, false,
				OnViolation.NEXT_PROVIDER);
		FallbackChain chain = new DefaultFallbackChain(
				new ChainSettings("support", List.of("primary", "fallback"), Duration.ofSeconds(5), 256,
						ChainSettings.DEFAULT_FALLBACK_ON, contract),
				List.of(primary, fallback),
				new ProviderCircuitBreakers(
						Map.of("primary", BreakerSettings.DEFAULTS, "fallback", BreakerSettings.DEFAULTS),
						Clock.systemUTC(), (transition) -> {
						}),
				Map.of(), (outcome) -> {
				});

		CompatibilityGate gate = CompatibilityGate.forChain(chain, Map.of("primary", Pricing.FREE)).build();
		GateReport report = gate.runBlocking(CORPUS);

		assertThat(gate.primary()).isSameAs(primary);
		assertThat(gate.fallbacks()).containsExactly(fallback);
		assertThat(report.chain()).isEqualTo("support");
		assertThat(report.schemaLines()).isEqualTo(3);
		assertThat(report.provider("fallback").schemaCompliance()).isEqualTo(1.0);
		assertThat(report.primary().priced()).isTrue();
		assertThat(fallback.received()).extracting(ChatRequest::maxTokens).containsExactly(256, 256, 256);
	}

	@Test
	void aGateNeedsAFallbackAndDistinctNames() {
		ScriptedProvider primary = ScriptedProvider.answering("gpt", "ok");
		assertThatIllegalArgumentException().isThrownBy(() -> CompatibilityGate.builder(primary).build())
			.withMessage("A compatibility gate needs at least one fallback to compare with gpt");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> CompatibilityGate.builder(primary).fallback(ScriptedProvider.answering("gpt", "ok")).build())
			.withMessage("Provider 'gpt' appears twice in the compatibility gate");
		assertThatIllegalArgumentException().isThrownBy(() -> CompatibilityGate.builder(primary).concurrency(0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CompatibilityGate.builder(primary).callTimeout(Duration.ZERO));
	}

	@Test
	void tolerancesCanBeChangedAndEnforcedPerDimension() {
		GateTolerances defaults = GateTolerances.DEFAULTS;
		assertThat(defaults.tolerance(GateDimension.MEAN_LENGTH)).isEqualTo(0.15);
		assertThat(defaults.tolerance(GateDimension.P95_LATENCY)).isEqualTo(1.0);
		assertThat(defaults.enforced()).containsExactly(GateDimension.MEAN_LENGTH, GateDimension.P95_LENGTH,
				GateDimension.SCHEMA_COMPLIANCE, GateDimension.FIELD_COVERAGE, GateDimension.FAILURE_RATE,
				GateDimension.TOOL_CALL_AGREEMENT);

		GateTolerances custom = defaults.withAll(0.2)
			.with(GateDimension.SCHEMA_COMPLIANCE, 0.0)
			.enforcing(GateDimension.COST_PER_REQUEST)
			.informational(GateDimension.P95_LENGTH);

		assertThat(custom.meanLength()).isEqualTo(0.2);
		assertThat(custom.schemaCompliance()).isEqualTo(0.0);
		assertThat(custom.p95Latency()).isEqualTo(1.0);
		assertThat(custom.toolCallAgreement()).isEqualTo(0.2);
		assertThat(custom.with(GateDimension.TOOL_CALL_AGREEMENT, 0.05).toolCallAgreement()).isEqualTo(0.05);
		assertThat(custom.enforces(GateDimension.COST_PER_REQUEST)).isTrue();
		assertThat(custom.enforces(GateDimension.P95_LENGTH)).isFalse();
		assertThat(GateDimension.fromWireName("p95-latency")).isEqualTo(GateDimension.P95_LATENCY);
		assertThat(GateDimension.fromWireName("COST_PER_REQUEST")).isEqualTo(GateDimension.COST_PER_REQUEST);
		assertThatIllegalArgumentException().isThrownBy(() -> GateDimension.fromWireName("tone"))
			.withMessageContaining("mean-length");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.with(GateDimension.MEAN_LENGTH, -0.1))
			.withMessage("Gate tolerance meanLength must be 0 or more, was -0.1");
		assertThat(new GateTolerances(0, 0, 0, 0, 0, 0, 0, 0, Set.of()).enforced()).isEmpty();
	}

	@Test
	void aDivergenceEqualToTheTolerancePasses() {
		// 100 -> 85 characters: exactly -15%.
		GateCorpus corpus = GateCorpus.parse("{\"prompt\":\"q\"}");
		GateReport report = CompatibilityGate.builder(ScriptedProvider.answering("primary", "x".repeat(100)))
			.fallback(ScriptedProvider.answering("edge", "x".repeat(85)),
					ScriptedProvider.answering("over", "x".repeat(84)))
			.build()
			.runBlocking(corpus);

		assertThat(report.verdictOf("edge").dimension(GateDimension.MEAN_LENGTH).verdict()).isEqualTo(Verdict.PASS);
		assertThat(report.verdictOf("over").dimension(GateDimension.MEAN_LENGTH).verdict()).isEqualTo(Verdict.FAIL);
		assertThat(report.primary().lines().get(0).id()).isEqualTo("line-1");
	}

	private static ChatResponse response(String provider, String text) {
		return new ChatResponse(text, "stop", new TokenUsage(10, 20), provider, "model-" + provider, Duration.ZERO);
	}

}
