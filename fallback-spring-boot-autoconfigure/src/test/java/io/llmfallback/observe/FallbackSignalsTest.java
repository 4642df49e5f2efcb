package io.llmfallback.observe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.BreakerTransition;
import io.llmfallback.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Scripted traffic with known figures: each signal must equal what the test computes itself.
 */
class FallbackSignalsTest {

	private final MutableClock clock = new MutableClock();

	private final List<AlertTransition> transitions = new ArrayList<>();

	private final FallbackSignals signals = new FallbackSignals(List.of("summarize"), List.of("gpt", "claude"),
			AlertSettings.DEFAULTS, this.clock, this.transitions::add);

	@Test
	void thousandRequestsWithAKnownShareOfFallbacksGiveExactSignals() {
		BigDecimal primaryCost = new BigDecimal("0.0031");
		BigDecimal failedCost = new BigDecimal("0.0007");
		BigDecimal fallbackCost = new BigDecimal("0.0115");
		BigDecimal expectedTotal = BigDecimal.ZERO;
		for (int i = 0; i < 1000; i++) {
			if (i % 100 < 7) {
				this.signals.onOutcome(Outcomes.fallback("summarize", "summarize", 300, failedCost, fallbackCost,
						Duration.ofMillis(900), 2));
				expectedTotal = expectedTotal.add(failedCost).add(fallbackCost);
			}
			else if (i % 100 == 7) {
				this.signals.onOutcome(Outcomes.failed("summarize", "summarize"));
			}
			else {
				this.signals.onOutcome(
						Outcomes.primary("summarize", "summarize", 500, primaryCost, Duration.ofMillis(300), 1));
				expectedTotal = expectedTotal.add(primaryCost);
			}
			if (i % 50 == 0) {
				this.clock.advance(Duration.ofSeconds(10));
			}
		}

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.windowRequests()).isEqualTo(1000);
		assertThat(snapshot.windowFallbackActivations()).isEqualTo(70);
		assertThat(snapshot.windowFailures()).isEqualTo(10);
		assertThat(snapshot.activationRate()).isEqualTo(0.07);
		BigDecimal expectedPerRequest = expectedTotal.divide(BigDecimal.valueOf(1000), 2, RoundingMode.HALF_UP);
		assertThat(snapshot.blendedCostPerRequestUsd().setScale(2, RoundingMode.HALF_UP)).isEqualTo(expectedPerRequest);
		assertThat(snapshot.blendedCostPerRequestUsd())
			.isEqualByComparingTo(expectedTotal.divide(BigDecimal.valueOf(1000), 10, RoundingMode.HALF_UP));
		assertThat(snapshot.primaryMeanOutputLength()).isEqualTo(500.0);
		assertThat(snapshot.fallbackMeanOutputLength()).isEqualTo(300.0);
		assertThat(snapshot.outputLengthDelta()).isCloseTo(-0.4, within(1e-12));
		assertThat(snapshot.primaryP95Ms()).isCloseTo(300.0, within(30.0));
		assertThat(snapshot.fallbackP95Ms()).isCloseTo(900.0, within(90.0));
		assertThat(snapshot.fallbackP95Ratio()).isCloseTo(3.0, within(0.3));
		assertThat(snapshot.primaryMiddlewarePerRequest()).isEqualTo(1.0);
		assertThat(snapshot.fallbackMiddlewarePerRequest()).isEqualTo(2.0);
		assertThat(snapshot.middlewareOverhead()).isEqualTo(1.0);
		assertThat(snapshot.blendedCostRatio()).isEqualTo(1.0);
	}

	@Test
	void alertsFireOnceWhenTheyCrossAndResolveOnceWhenTheWindowRollsOver() {
		for (int i = 0; i < 100; i++) {
			this.signals.onOutcome((i < 10)
					? Outcomes.fallback("summarize", "summarize", 500, BigDecimal.ZERO, BigDecimal.ONE, Duration.ofMillis(100), 1)
					: Outcomes.primary("summarize", "summarize", 500, BigDecimal.ONE, Duration.ofMillis(100), 1));
		}

		this.signals.evaluate();
		this.signals.evaluate();
		this.signals.onOutcome(Outcomes.primary("summarize", "summarize", 500, BigDecimal.ONE, Duration.ofMillis(100), 1));
		this.signals.evaluate();

		assertThat(this.transitions).extracting((t) -> t.alert().signal() + ":" + t.firing())
			.containsExactly("activation-rate:true");
		assertThat(this.transitions.get(0).alert().value()).isEqualTo(0.1);
		assertThat(this.transitions.get(0).alert().threshold()).isEqualTo(0.05);

		this.clock.advance(Duration.ofMinutes(16));
		this.signals.evaluate();
		this.signals.evaluate();

		assertThat(this.transitions).extracting((t) -> t.alert().signal() + ":" + t.firing())
			.containsExactly("activation-rate:true", "activation-rate:false");
		assertThat(this.signals.snapshot("summarize").activationRate()).isNull();
	}

	@Test
	void eachAlertIsJudgedOnTheTrafficOfItsOwnWindow() {
		for (int i = 0; i < 100; i++) {
			this.signals.onOutcome((i < 10)
					? Outcomes.fallback("summarize", "op", 100, BigDecimal.ZERO, BigDecimal.ZERO, Duration.ofMillis(100), 0)
					: Outcomes.primary("summarize", "op", 500, BigDecimal.ZERO, Duration.ofMillis(100), 0));
		}
		assertThat(this.signals.evaluate()).filteredOn(Alert::firing)
			.extracting(Alert::signal)
			.containsExactlyInAnyOrder("activation-rate", "output-length-delta");

		// The 15-minute activation window is empty; the 1-hour length window still holds the drift.
		this.clock.advance(Duration.ofMinutes(16));

		assertThat(this.signals.evaluate()).filteredOn(Alert::firing)
			.extracting(Alert::signal)
			.containsExactly("output-length-delta");
	}

	@Test
	void windowsForgetOldDataBucketByBucket() {
		for (int minute = 0; minute < 20; minute++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", "op", 100, BigDecimal.ZERO, BigDecimal.ZERO,
					Duration.ofMillis(100), 0));
			this.clock.advance(Duration.ofMinutes(1));
		}
		// 15-minute window: only the last 15 one-per-minute requests are still counted.
		assertThat(this.signals.snapshot("summarize").windowRequests()).isBetween(14L, 15L);
		// 1-hour window: all 20.
		assertThat(this.signals.snapshot("summarize").operations().get("op").fallbackMean()).isEqualTo(100.0);
	}

	@Test
	void noAlertFiresBelowTheMinimumTraffic() {
		for (int i = 0; i < 5; i++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", "op", 100, BigDecimal.ZERO, BigDecimal.ONE,
					Duration.ofMillis(100), 0));
		}
		assertThat(this.signals.evaluate()).noneMatch(Alert::firing);
		assertThat(this.signals.snapshot("summarize").activationRate()).isEqualTo(1.0);
	}

	@Test
	void blendedCostIsComparedWithTheSevenDayAverage() {
		for (int day = 0; day < 6; day++) {
			for (int i = 0; i < 100; i++) {
				this.signals.onOutcome(Outcomes.primary("summarize", "op", 10, new BigDecimal("0.01"), Duration.ofMillis(10), 0));
			}
			this.clock.advance(Duration.ofDays(1));
		}
		for (int i = 0; i < 100; i++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", "op", 10, new BigDecimal("0.01"), new BigDecimal("0.03"),
					Duration.ofMillis(10), 0));
		}

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		// Recent hour: 0.04 a request. Seven days: (600 x 0.01 + 100 x 0.04) / 700.
		assertThat(snapshot.blendedCostPerRequestUsd()).isEqualByComparingTo("0.04");
		BigDecimal baseline = new BigDecimal("10.00").divide(BigDecimal.valueOf(700), 10, RoundingMode.HALF_UP);
		assertThat(snapshot.baselineCostPerRequestUsd()).isEqualByComparingTo(baseline);
		assertThat(snapshot.blendedCostRatio()).isCloseTo(0.04 / baseline.doubleValue(), within(1e-9));
		assertThat(this.signals.evaluate())
			.anyMatch((alert) -> alert.signal().equals("blended-cost-ratio") && alert.firing());
	}

	@Test
	void breakerAlertFiresOnOpenAndResolvesOnCloseOncePerTransition() {
		this.signals.onTransition(new BreakerTransition("gpt", State.CLOSED, State.OPEN, this.clock.instant()));
		this.signals.evaluate();
		this.signals.onTransition(new BreakerTransition("gpt", State.OPEN, State.HALF_OPEN, this.clock.instant()));
		this.signals.onTransition(new BreakerTransition("gpt", State.HALF_OPEN, State.OPEN, this.clock.instant()));
		this.signals.onTransition(new BreakerTransition("gpt", State.OPEN, State.HALF_OPEN, this.clock.instant()));
		this.signals.onTransition(new BreakerTransition("gpt", State.HALF_OPEN, State.CLOSED, this.clock.instant()));
		this.signals.evaluate();

		assertThat(this.transitions).extracting((t) -> t.alert().provider() + ":" + t.firing())
			.containsExactly("gpt:true", "gpt:false");
	}

	@Test
	void outputLengthDeltaIsPerOperationWeightedByFallbackCount() {
		for (int i = 0; i < 10; i++) {
			this.signals.onOutcome(Outcomes.primary("summarize", "short", 100, BigDecimal.ZERO, Duration.ofMillis(1), 0));
			this.signals.onOutcome(Outcomes.primary("summarize", "long", 1000, BigDecimal.ZERO, Duration.ofMillis(1), 0));
		}
		for (int i = 0; i < 3; i++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", "short", 50, BigDecimal.ZERO, BigDecimal.ZERO,
					Duration.ofMillis(1), 0));
		}
		this.signals.onOutcome(Outcomes.fallback("summarize", "long", 1100, BigDecimal.ZERO, BigDecimal.ZERO,
				Duration.ofMillis(1), 0));

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.operations().get("short").delta()).isCloseTo(-0.5, within(1e-12));
		assertThat(snapshot.operations().get("long").delta()).isCloseTo(0.1, within(1e-12));
		assertThat(snapshot.outputLengthDelta()).isCloseTo((3 * -0.5 + 1 * 0.1) / 4, within(1e-12));
	}

}
