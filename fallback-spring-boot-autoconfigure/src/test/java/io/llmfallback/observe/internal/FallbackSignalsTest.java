package io.llmfallback.observe.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.internal.BreakerTransition;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.AlertTransition;
import io.llmfallback.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Scripted traffic with known figures: each signal must equal what the test computes
 * itself.
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
				this.signals
					.onOutcome(Outcomes.primary("summarize", "summarize", 500, primaryCost, Duration.ofMillis(300), 1));
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
					? Outcomes.fallback("summarize", "summarize", 500, BigDecimal.ZERO, BigDecimal.ONE,
							Duration.ofMillis(100), 1)
					: Outcomes.primary("summarize", "summarize", 500, BigDecimal.ONE, Duration.ofMillis(100), 1));
		}

		this.signals.evaluate();
		this.signals.evaluate();
		this.signals
			.onOutcome(Outcomes.primary("summarize", "summarize", 500, BigDecimal.ONE, Duration.ofMillis(100), 1));
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
					? Outcomes.fallback("summarize", "op", 100, BigDecimal.ZERO, BigDecimal.ZERO,
							Duration.ofMillis(100), 0)
					: Outcomes.primary("summarize", "op", 500, BigDecimal.ZERO, Duration.ofMillis(100), 0));
		}
		assertThat(this.signals.evaluate()).filteredOn(Alert::firing)
			.extracting(Alert::signal)
			.containsExactlyInAnyOrder("activation-rate", "output-length-delta");

		// The 15-minute activation window is empty; the 1-hour length window still holds
		// the drift.
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
				this.signals.onOutcome(
						Outcomes.primary("summarize", "op", 10, new BigDecimal("0.01"), Duration.ofMillis(10), 0));
			}
			this.clock.advance(Duration.ofDays(1));
		}
		for (int i = 0; i < 100; i++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", "op", 10, new BigDecimal("0.01"),
					new BigDecimal("0.03"), Duration.ofMillis(10), 0));
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

	/**
	 * +21.6% on one operation and -47.4% on another: weighed by fallback count (8 and 3)
	 * they read +2.8%, under the 20% threshold. Compared one by one, the second passes
	 * it.
	 */
	@Test
	void outputLengthAlertFiresWhenAnyOperationDriftsAndNamesTheOneThatDriftsMost() {
		served("summarize", 30, 500, 8, 608);
		served("classify", 30, 500, 3, 263);

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.operations().get("summarize").delta()).isCloseTo(0.216, within(1e-12));
		assertThat(snapshot.operations().get("classify").delta()).isCloseTo(-0.474, within(1e-12));
		assertThat(snapshot.operations().get("classify").requests()).isEqualTo(33);
		assertThat(snapshot.outputLengthDelta()).isCloseTo(-0.474, within(1e-12));
		assertThat(snapshot.outputLengthOperation()).isEqualTo("classify");
		assertThat(snapshot.samples().outputLength()).isEqualTo(33);
		assertThat(this.signals.evaluate()).filteredOn((alert) -> alert.signal().equals("output-length-delta"))
			.singleElement()
			.satisfies((alert) -> {
				assertThat(alert.firing()).isTrue();
				assertThat(alert.operation()).isEqualTo("classify");
				assertThat(alert.value()).isCloseTo(-0.474, within(1e-12));
			});
		assertThat(this.transitions)
			.filteredOn((transition) -> transition.alert().signal().equals("output-length-delta"))
			.singleElement()
			.satisfies((transition) -> assertThat(transition.alert())
				.hasToString("output-length-delta chain=summarize operation=classify value="
						+ snapshot.outputLengthDelta() + " threshold=0.2"));
		assertThat(this.signals.outputLengthDelta("summarize", "summarize")).isCloseTo(0.216, within(1e-12));
	}

	/**
	 * A rare operation's delta, however large, does not hide a busy one that drifts past
	 * the threshold.
	 */
	@Test
	void operationsWithEnoughTrafficComeBeforeRareOnes() {
		served("busy", 40, 500, 10, 350);
		served("rare", 1, 100, 1, 300);

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.operations().get("rare").delta()).isEqualTo(2.0);
		assertThat(snapshot.outputLengthOperation()).isEqualTo("busy");
		assertThat(snapshot.outputLengthDelta()).isCloseTo(-0.3, within(1e-12));
		assertThat(this.signals.evaluate()).anyMatch((alert) -> alert.signal().equals("output-length-delta")
				&& alert.firing() && "busy".equals(alert.operation()));
	}

	/**
	 * Only rare operations: the largest delta is shown, but too few requests stand behind
	 * it to fire.
	 */
	@Test
	void withOnlyRareOperationsTheLargestDeltaShowsButDoesNotFire() {
		served("a", 5, 100, 5, 300);
		served("b", 10, 100, 5, 50);

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.outputLengthOperation()).isEqualTo("a");
		assertThat(snapshot.outputLengthDelta()).isEqualTo(2.0);
		assertThat(snapshot.samples().outputLength()).isEqualTo(10);
		assertThat(this.signals.evaluate())
			.noneMatch((alert) -> alert.signal().equals("output-length-delta") && alert.firing());
	}

	@Test
	void operationsPastTheCapArePooledAndEachTrackedOneIsAnnouncedOnce() {
		List<String> tracked = new ArrayList<>();
		this.signals.onOperationTracked((chain, operation) -> tracked.add(chain + "/" + operation));
		for (int i = 0; i < ChainSignals.MAX_OPERATIONS + 5; i++) {
			served("op" + i, 1, 100, 1, (i < ChainSignals.MAX_OPERATIONS) ? 100 : 150);
		}
		served("op0", 1, 100, 0, 0);

		ChainSignalSnapshot snapshot = this.signals.snapshot("summarize");

		assertThat(snapshot.operations()).hasSize(ChainSignals.MAX_OPERATIONS + 1)
			.containsKeys("op0", "op99", ChainSignals.OTHER_OPERATIONS)
			.doesNotContainKeys("op100", "op104");
		assertThat(snapshot.operations().get(ChainSignals.OTHER_OPERATIONS).requests()).isEqualTo(10);
		assertThat(snapshot.operations().get(ChainSignals.OTHER_OPERATIONS).delta()).isEqualTo(0.5);
		assertThat(tracked).hasSize(ChainSignals.MAX_OPERATIONS + 1)
			.startsWith("summarize/op0")
			.endsWith("summarize/" + ChainSignals.OTHER_OPERATIONS)
			.doesNotHaveDuplicates();
	}

	/**
	 * Requests of one operation: some served by the primary, some by the fallback, with
	 * these lengths.
	 */
	private void served(String operation, int primaries, int primaryChars, int fallbacks, int fallbackChars) {
		for (int i = 0; i < primaries; i++) {
			this.signals.onOutcome(
					Outcomes.primary("summarize", operation, primaryChars, BigDecimal.ZERO, Duration.ofMillis(1), 0));
		}
		for (int i = 0; i < fallbacks; i++) {
			this.signals.onOutcome(Outcomes.fallback("summarize", operation, fallbackChars, BigDecimal.ZERO,
					BigDecimal.ZERO, Duration.ofMillis(1), 0));
		}
	}

}
