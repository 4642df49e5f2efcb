package io.llmfallback.review.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.cost.Pricing;
import io.llmfallback.gate.DimensionVerdict;
import io.llmfallback.gate.Distribution;
import io.llmfallback.gate.GateDimension;
import io.llmfallback.gate.ProviderStats;
import io.llmfallback.gate.Verdict;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.review.CalibrationHint.Kind;
import io.llmfallback.review.CalibrationHint;
import io.llmfallback.review.FallbackReview;
import io.llmfallback.review.ProviderReview;
import io.llmfallback.review.ReviewReport;
import io.llmfallback.review.ReviewVerdict;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.ScriptedProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Hand-made outcomes with known figures: every figure, verdict and hint of the review
 * must be what the test computes itself. Lengths and latencies are picked where the
 * histogram reads them exactly: below 64, on a bin's upper edge (303, 399, 799, 1087), or
 * the largest value of their bin.
 */
class TrafficReviewTest {

	private static final ChainSettings SUMMARIZE = new ChainSettings("summarize", List.of("gpt", "claude"),
			Duration.ofSeconds(30), null, ChainSettings.DEFAULT_FALLBACK_ON);

	private static final ChainSettings EXTRACT = new ChainSettings("extract", List.of("gpt"), Duration.ofSeconds(30),
			null, ChainSettings.DEFAULT_FALLBACK_ON);

	private static final BigDecimal PRIMARY_COST = new BigDecimal("0.001");

	private static final BigDecimal FALLBACK_COST = new BigDecimal("0.002");

	private final MutableClock clock = new MutableClock();

	private final TrafficReview review = review(List.of(SUMMARIZE, EXTRACT));

	@Test
	void aFallbackAnsweringFortyPercentShorterFailsOnLengthAndTheTimeoutsAndBudgetGetHints() {
		for (int i = 0; i < 30; i++) {
			long latency = switch (i) {
				case 0 -> 1200;
				case 1 -> 1087;
				default -> 399;
			};
			this.review.onOutcome(servedByPrimary((i % 2 == 0) ? 799 : 1201, latency));
		}
		for (int i = 0; i < 25; i++) {
			ContractCheck check = (i < 5) ? check(false, 0.5) : check(true, 1.0);
			this.review.onOutcome(servedByFallback((i < 10) ? 480 : 680, 2000, check));
		}

		ReviewReport report = this.review.report("summarize");

		assertThat(report.chain()).isEqualTo("summarize");
		assertThat(report.generatedAt()).isEqualTo("2026-01-01T00:00:00Z");
		assertThat(report.windowMs()).isEqualTo(Duration.ofHours(24).toMillis());
		assertThat(report.minSamples()).isEqualTo(20);
		assertThat(report.requests()).isEqualTo(55);
		assertThat(report.fallbackActivations()).isEqualTo(25);
		assertThat(report.failures()).isZero();
		assertThat(report.activationRate()).isEqualTo(25.0 / 55);

		ProviderReview gpt = report.primary();
		ProviderStats primary = gpt.stats();
		assertThat(gpt.sufficientData()).isTrue();
		assertThat(primary.provider()).isEqualTo("gpt");
		assertThat(primary.model()).isEqualTo("model-gpt");
		assertThat(primary.primary()).isTrue();
		assertThat(primary.calls()).isEqualTo(55);
		assertThat(primary.successes()).isEqualTo(30);
		assertThat(primary.failures()).isEqualTo(25);
		assertThat(primary.failureRate()).isEqualTo(0.454545);
		assertThat(primary.failuresByCategory()).containsExactly(Map.entry("server-error", 25));
		assertThat(primary.outputLength()).isEqualTo(new Distribution(30, 1000.0, 799, 1201, 799, 1201));
		assertThat(primary.latencyMs()).isEqualTo(new Distribution(30, 448.63, 399, 1087, 399, 1200));
		assertThat(gpt.latencyP99Ms()).isEqualTo(1200.0);
		assertThat(primary.schemaChecked()).isEqualTo(30);
		assertThat(primary.schemaCompliance()).isEqualTo(1.0);
		assertThat(primary.fieldCoverage()).isEqualTo(1.0);
		assertThat(primary.inputTokens()).isEqualTo(3000);
		assertThat(primary.outputTokens()).isEqualTo(7500);
		assertThat(primary.priced()).isTrue();
		assertThat(primary.totalCost()).isEqualByComparingTo("0.03");
		assertThat(primary.costPerRequest()).isEqualByComparingTo("0.0005454545");
		assertThat(primary.lines()).isEmpty();
		assertThat(gpt.contractRejections()).isZero();
		assertThat(gpt.skipped()).isEmpty();

		ProviderStats fallback = report.provider("claude").stats();
		assertThat(fallback.primary()).isFalse();
		assertThat(fallback.calls()).isEqualTo(25);
		assertThat(fallback.successes()).isEqualTo(25);
		assertThat(fallback.failureRate()).isZero();
		assertThat(fallback.outputLength()).isEqualTo(new Distribution(25, 600.0, 680, 680, 480, 680));
		assertThat(fallback.latencyMs()).isEqualTo(new Distribution(25, 2000.0, 2000, 2000, 2000, 2000));
		assertThat(fallback.schemaChecked()).isEqualTo(25);
		assertThat(fallback.schemaCompliant()).isEqualTo(20);
		assertThat(fallback.schemaCompliance()).isEqualTo(0.8);
		assertThat(fallback.fieldCoverage()).isEqualTo(0.9);
		assertThat(fallback.totalCost()).isEqualByComparingTo("0.05");
		assertThat(fallback.costPerRequest()).isEqualByComparingTo("0.002");

		FallbackReview claude = report.verdictOf("claude");
		assertThat(claude.verdict()).isEqualTo(ReviewVerdict.FAIL);
		assertThat(claude.summary()).isEqualTo(
				"claude: beyond tolerance of gpt (primary) on mean output length, p95 output length, schema compliance");
		assertThat(dimension(claude, GateDimension.MEAN_LENGTH).divergence()).isEqualTo(-0.4);
		assertThat(dimension(claude, GateDimension.P95_LENGTH).divergence()).isEqualTo(-0.433805);
		assertThat(dimension(claude, GateDimension.SCHEMA_COMPLIANCE).divergence()).isEqualTo(-0.2);
		assertThat(dimension(claude, GateDimension.FIELD_COVERAGE).verdict()).isEqualTo(Verdict.PASS);
		assertThat(dimension(claude, GateDimension.FAILURE_RATE).verdict()).isEqualTo(Verdict.PASS);
		assertThat(dimension(claude, GateDimension.P95_LATENCY).summary())
			.isEqualTo("claude: p95 latency +84.0% vs primary (tolerance 100%): PASS (informational)");
		assertThat(dimension(claude, GateDimension.COST_PER_REQUEST).verdict()).isEqualTo(Verdict.FAIL);
		assertThat(report.findings()).containsExactly(
				"claude: mean output length -40.0% vs primary (tolerance 15%): FAIL",
				"claude: p95 output length -43.4% vs primary (tolerance 15%): FAIL",
				"claude: schema compliance -20.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(report.verdict()).isEqualTo(ReviewVerdict.FAIL);

		assertThat(report.hints()).containsExactly(
				new CalibrationHint(Kind.PROVIDER_TIMEOUT, "llm.fallback.providers.gpt.timeout", "gpt p99 latency",
						1200, 30000, 1800,
						"gpt answers 99% of calls within 1200 ms but its timeout is 30000 ms: while it "
								+ "hangs, every request waits that long before claude is tried"),
				new CalibrationHint(Kind.PROVIDER_TIMEOUT, "llm.fallback.providers.claude.timeout",
						"claude p99 latency", 2000, 30000, 3000,
						"claude answers 99% of calls within 2000 ms but its "
								+ "timeout is 30000 ms: while it hangs, every request waits that long before the chain fails"),
				new CalibrationHint(Kind.LATENCY_BUDGET, "llm.fallback.chains.summarize.latency-budget",
						"claude p95 latency", 2000, 30000, 32000,
						"when gpt hangs for its 30000 ms timeout, 0 ms of the "
								+ "30000 ms budget are left, less than the 2000 ms claude takes at p95: raise the budget "
								+ "or lower gpt's timeout"));
	}

	@Test
	void aTimeoutUnderOneAndAHalfTimesTheP99IsRaisedAndOneInsideTheBandIsLeftAlone() {
		TrafficReview review = new TrafficReview(List.of(SUMMARIZE),
				List.of(ScriptedProvider.hanging("gpt", Duration.ofMillis(1000)),
						ScriptedProvider.hanging("claude", Duration.ofMillis(6000))),
				Map.of(), Map.of(), ReviewSettings.DEFAULTS, this.clock);
		for (int i = 0; i < 20; i++) {
			review.onOutcome(servedByPrimary(10, 950));
			review.onOutcome(servedByFallback(10, 2000, ContractCheck.UNCHECKED));
		}

		assertThat(review.report("summarize").hints()).containsExactly(new CalibrationHint(Kind.PROVIDER_TIMEOUT,
				"llm.fallback.providers.gpt.timeout", "gpt p99 latency", 950, 1000, 1500,
				"gpt's timeout of 1000 ms is less than 1.5 times the 950 ms p99 of its answers: slow healthy answers "
						+ "are cut off as timeouts, and being cut, they do not show in the p99"));
	}

	@Test
	void aProviderWithFewerCallsThanTheMinimumIsNotJudgedNorCalibrated() {
		for (int i = 0; i < 30; i++) {
			this.review.onOutcome(servedByPrimary(40, 50));
		}
		for (int i = 0; i < 19; i++) {
			this.review.onOutcome(servedByFallback(10, 2000, ContractCheck.UNCHECKED));
		}

		ReviewReport report = this.review.report("summarize");

		assertThat(report.provider("claude").sufficientData()).isFalse();
		assertThat(report.verdictOf("claude")).isEqualTo(new FallbackReview("claude", ReviewVerdict.INSUFFICIENT_DATA,
				"claude: insufficient data: claude made 19 calls in the window, fewer than 20", List.of()));
		assertThat(report.verdict()).isEqualTo(ReviewVerdict.INSUFFICIENT_DATA);
		assertThat(report.findings()).isEmpty();
		assertThat(report.hints()).extracting(CalibrationHint::setting)
			.containsExactly("llm.fallback.providers.gpt.timeout");
	}

	@Test
	void aPrimaryThatAnsweredNoneOfItsCallsLeavesNoBaseline() {
		for (int i = 0; i < 25; i++) {
			this.review.onOutcome(servedByFallback(10, 2000, ContractCheck.UNCHECKED));
		}

		ReviewReport report = this.review.report("summarize");

		assertThat(report.primary().sufficientData()).isTrue();
		assertThat(report.findings()).containsExactly("gpt (primary) answered none of its 25 calls in the window: "
				+ "there is no baseline to compare the fallbacks with");
		assertThat(dimension(report.verdictOf("claude"), GateDimension.MEAN_LENGTH).summary())
			.isEqualTo("claude: mean output length: not applicable (the primary answered no request)");
		assertThat(report.verdict()).isEqualTo(ReviewVerdict.FAIL);
	}

	@Test
	void withTooFewPrimaryCallsNoFallbackIsJudged() {
		for (int i = 0; i < 10; i++) {
			this.review.onOutcome(servedByPrimary(10, 50));
		}
		for (int i = 0; i < 25; i++) {
			this.review.onOutcome(outcome("summarize", "x", 50,
					attempt("gpt", 0, AttemptOutcome.SHORT_CIRCUITED, null, 0, TokenUsage.NONE, BigDecimal.ZERO,
							ContractCheck.UNCHECKED),
					attempt("claude", 1, AttemptOutcome.SUCCESS, null, 50, TokenUsage.NONE, BigDecimal.ZERO,
							ContractCheck.UNCHECKED)));
		}

		ReviewReport report = this.review.report("summarize");

		assertThat(report.primary().sufficientData()).isFalse();
		assertThat(report.primary().skipped()).containsExactly(Map.entry("short-circuited", 25L));
		assertThat(report.verdictOf("claude").summary())
			.isEqualTo("claude: insufficient data: gpt (primary) made 10 calls in the window, fewer than 20");
		assertThat(report.verdict()).isEqualTo(ReviewVerdict.INSUFFICIENT_DATA);
	}

	@Test
	void theWindowRollsForwardAnHourAtATime() {
		for (int i = 0; i < 30; i++) {
			this.review.onOutcome(servedByPrimary(10, 50));
		}
		this.clock.advance(Duration.ofHours(12));
		for (int i = 0; i < 20; i++) {
			this.review.onOutcome(servedByPrimary(20, 50));
		}
		assertThat(this.review.report("summarize").primary().stats().calls()).isEqualTo(50);

		this.clock.advance(Duration.ofHours(13));
		ProviderStats afterADay = this.review.report("summarize").primary().stats();
		assertThat(afterADay.calls()).isEqualTo(20);
		assertThat(afterADay.outputLength()).isEqualTo(new Distribution(20, 20.0, 20, 20, 20, 20));

		this.clock.advance(Duration.ofHours(12));
		ReviewReport empty = this.review.report("summarize");
		assertThat(empty.requests()).isZero();
		assertThat(empty.activationRate()).isNull();
		assertThat(empty.primary().stats().calls()).isZero();
		assertThat(empty.primary().stats().outputLength()).isNull();
		assertThat(empty.primary().latencyP99Ms()).isNull();
		assertThat(empty.primary().sufficientData()).isFalse();
		assertThat(empty.verdict()).isEqualTo(ReviewVerdict.INSUFFICIENT_DATA);
		assertThat(empty.hints()).isEmpty();
	}

	@Test
	void rejectedAnswersAreAnswersAndSkippedAttemptsAreNotCalls() {
		String emoji = new String(Character.toChars(0x1F600));
		this.review.onOutcome(outcome("summarize", emoji.repeat(500), 300,
				attempt("gpt", 0, AttemptOutcome.FAILED, FailureCategory.CONTRACT_VIOLATION, 300, TokenUsage.NONE,
						BigDecimal.ZERO, check(false, 0.5)),
				attempt("claude", 1, AttemptOutcome.SUCCESS, null, 40, TokenUsage.NONE, BigDecimal.ZERO,
						ContractCheck.UNCHECKED)));
		this.review.onOutcome(outcome("summarize", "x".repeat(303), 30,
				attempt("gpt", 0, AttemptOutcome.SHORT_CIRCUITED, null, 0, TokenUsage.NONE, BigDecimal.ZERO,
						ContractCheck.UNCHECKED),
				attempt("claude", 1, AttemptOutcome.SUCCESS, null, 30, TokenUsage.NONE, BigDecimal.ZERO,
						ContractCheck.UNCHECKED)));
		this.review.onOutcome(outcome("summarize", null, 30000,
				attempt("gpt", 0, AttemptOutcome.FAILED, FailureCategory.TIMEOUT, 30000, TokenUsage.NONE,
						BigDecimal.ZERO, ContractCheck.UNCHECKED),
				attempt("claude", 1, AttemptOutcome.BUDGET_EXHAUSTED, null, 0, TokenUsage.NONE, BigDecimal.ZERO,
						ContractCheck.UNCHECKED)));
		this.review.onOutcome(outcome("unknown", "x", 10, attempt("gpt", 0, AttemptOutcome.SUCCESS, null, 10,
				TokenUsage.NONE, BigDecimal.ZERO, ContractCheck.UNCHECKED)));

		ReviewReport report = this.review.report("summarize");

		assertThat(report.requests()).isEqualTo(3);
		assertThat(report.fallbackActivations()).isEqualTo(2);
		assertThat(report.failures()).isEqualTo(1);
		ProviderReview gpt = report.primary();
		assertThat(gpt.stats().calls()).isEqualTo(2);
		assertThat(gpt.stats().successes()).isEqualTo(1);
		assertThat(gpt.stats().failuresByCategory()).containsExactly(Map.entry("timeout", 1));
		assertThat(gpt.contractRejections()).isEqualTo(1);
		assertThat(gpt.skipped()).containsExactly(Map.entry("short-circuited", 1L));
		assertThat(gpt.stats().schemaChecked()).isEqualTo(1);
		assertThat(gpt.stats().schemaCompliant()).isZero();
		assertThat(gpt.stats().fieldCoverage()).isEqualTo(0.5);
		assertThat(gpt.stats().outputLength()).isNull();
		assertThat(gpt.stats().latencyMs()).isEqualTo(new Distribution(1, 300.0, 300, 300, 300, 300));
		ProviderReview claude = report.provider("claude");
		assertThat(claude.stats().calls()).isEqualTo(2);
		assertThat(claude.skipped()).containsExactly(Map.entry("budget-exhausted", 1L));
		// Characters are code points, as the gate counts them.
		assertThat(claude.stats().outputLength()).isEqualTo(new Distribution(2, 401.5, 303, 500, 303, 500));
		assertThat(this.review.report("extract").requests()).isZero();
	}

	@Test
	void aPrimaryCalledTooRarelyForItsBreakerToOpenGetsAFailureWindowHint() {
		for (int i = 0; i < 30; i++) {
			this.review.onOutcome(servedByPrimary(10, 50));
			this.clock.advance(Duration.ofMinutes(1));
		}

		// 29 gaps over 29 minutes: 2 gaps between 3 failures span 120 s, more than 30 s +
		// 30 s.
		assertThat(this.review.report("summarize").hints())
			.filteredOn((hint) -> hint.kind() == Kind.BREAKER_FAILURE_WINDOW)
			.containsExactly(new CalibrationHint(Kind.BREAKER_FAILURE_WINDOW,
					"llm.fallback.providers.gpt.circuit-breaker.failure-window", "span of 3 consecutive gpt calls",
					120000, 30000, 120000,
					"at the window's average pace of one gpt call every 60000 ms, 3 failures in a row span 120000 ms, "
							+ "more than the 30000 ms failure window plus the 30000 ms timeout: even a gpt that hangs "
							+ "on every call never opens its breaker, and every request waits out the timeout"));
	}

	@Test
	void aPrimaryUnderTheFailureRateRuleGetsNoFailureWindowHint() {
		BreakerSettings failureRate = new BreakerSettings(3, Duration.ofSeconds(30), Duration.ofSeconds(60), false,
				BreakerSettings.Rule.FAILURE_RATE, 0.5, Duration.ofSeconds(30), 20);
		TrafficReview review = review(List.of(SUMMARIZE, EXTRACT), failureRate);
		for (int i = 0; i < 30; i++) {
			review.onOutcome(servedByPrimary(10, 50));
			this.clock.advance(Duration.ofMinutes(1));
		}

		// The same pace gets the hint under the consecutive rule (above): a failure-rate
		// breaker has no streak.
		assertThat(review.report("summarize").hints()).extracting(CalibrationHint::kind)
			.doesNotContain(Kind.BREAKER_FAILURE_WINDOW);
	}

	@Test
	void theBreakerPaceCountsTheCallsOfEveryChainThatSharesTheProvider() {
		for (int i = 0; i < 30; i++) {
			this.review.onOutcome(servedByPrimary(10, 50));
			this.clock.advance(Duration.ofSeconds(30));
			this.review.onOutcome(outcome("extract", "x", 50, primaryAttempt(50, ContractCheck.UNCHECKED)));
			this.clock.advance(Duration.ofSeconds(30));
		}

		// One call every 30 s: 2 gaps span 60 s, which a hung gpt's breaker still opens
		// within.
		assertThat(this.review.report("summarize").hints()).extracting(CalibrationHint::kind)
			.doesNotContain(Kind.BREAKER_FAILURE_WINDOW);
	}

	@Test
	void unknownChainsAndProvidersAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.review.report("nope"))
			.withMessage("No chain named 'nope'");
		ChainSettings strange = new ChainSettings("strange", List.of("gpt", "gemini"), Duration.ofSeconds(30), null,
				ChainSettings.DEFAULT_FALLBACK_ON);
		assertThatIllegalArgumentException().isThrownBy(() -> review(List.of(strange)))
			.withMessage("Chain 'strange' names provider 'gemini', which is not reviewed");
	}

	private TrafficReview review(List<ChainSettings> chains) {
		return review(chains, BreakerSettings.DEFAULTS);
	}

	private TrafficReview review(List<ChainSettings> chains, BreakerSettings gptBreaker) {
		Pricing price = new Pricing(BigDecimal.ONE, BigDecimal.ONE);
		return new TrafficReview(chains,
				List.of(ScriptedProvider.hanging("gpt", Duration.ofSeconds(30)),
						ScriptedProvider.hanging("claude", Duration.ofSeconds(30))),
				Map.of("gpt", gptBreaker, "claude", BreakerSettings.DEFAULTS), Map.of("gpt", price, "claude", price),
				ReviewSettings.DEFAULTS, this.clock);
	}

	private static DimensionVerdict dimension(FallbackReview review, GateDimension dimension) {
		return review.dimensions()
			.stream()
			.filter((candidate) -> candidate.dimension() == dimension)
			.findFirst()
			.orElseThrow();
	}

	private static ChainOutcome servedByPrimary(int length, long latencyMs) {
		return outcome("summarize", "x".repeat(length), latencyMs, primaryAttempt(latencyMs, check(true, 1.0)));
	}

	private static AttemptRecord primaryAttempt(long latencyMs, ContractCheck check) {
		return attempt("gpt", 0, AttemptOutcome.SUCCESS, null, latencyMs, new TokenUsage(100, 250), PRIMARY_COST,
				check);
	}

	private static ChainOutcome servedByFallback(int length, long latencyMs, ContractCheck check) {
		return outcome("summarize", "x".repeat(length), 50 + latencyMs,
				attempt("gpt", 0, AttemptOutcome.FAILED, FailureCategory.SERVER_ERROR, 50, TokenUsage.NONE,
						BigDecimal.ZERO, ContractCheck.UNCHECKED),
				attempt("claude", 1, AttemptOutcome.SUCCESS, null, latencyMs, new TokenUsage(100, 150), FALLBACK_COST,
						check));
	}

	private static ContractCheck check(boolean compliant, double coverage) {
		return new ContractCheck(compliant ? List.of() : List.of("schema: required property 'score' not found"),
				compliant, coverage);
	}

	private static AttemptRecord attempt(String provider, int index, AttemptOutcome outcome,
			@Nullable FailureCategory category, long latencyMs, TokenUsage usage, BigDecimal cost,
			ContractCheck check) {
		return new AttemptRecord(provider, index, "model-" + provider, outcome, category,
				(outcome == AttemptOutcome.SUCCESS) ? 200 : null, Duration.ofMillis(latencyMs), null, usage, cost,
				check);
	}

	/** Served with the text when there is one (by the last attempt), failed otherwise. */
	private static ChainOutcome outcome(String chain, @Nullable String text, long latencyMs,
			AttemptRecord... attempts) {
		List<AttemptRecord> all = new ArrayList<>(List.of(attempts));
		ChainResponse response = null;
		if (text != null) {
			AttemptRecord serving = attempts[attempts.length - 1];
			response = new ChainResponse(new ChatResponse(text, "stop", serving.usage(), serving.provider(),
					serving.model(), serving.duration()), chain, chain, all);
		}
		return new ChainOutcome(chain, chain, response, null, all, Duration.ofMillis(latencyMs), Map.of());
	}

}
