package io.llmfallback.window.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Quantiles are nearest-rank, exact below 64, at most one bin (1/32 of a power of two)
 * above beyond, never above the largest value; count, mean, smallest and largest are
 * exact.
 */
class ValueHistogramTest {

	private final ValueHistogram histogram = new ValueHistogram();

	@Test
	void valuesBelowSixtyFourAreExact() {
		for (int value = 1; value <= 50; value++) {
			this.histogram.record(value);
		}
		assertThat(this.histogram.quantile(0.50)).isEqualTo(25);
		assertThat(this.histogram.quantile(0.95)).isEqualTo(48);
		assertThat(this.histogram.quantile(0.99)).isEqualTo(50);
		assertThat(this.histogram.quantile(0)).isEqualTo(1);
		assertThat(this.histogram.mean()).isEqualTo(25.5);
		assertThat(this.histogram.min()).isEqualTo(1);
		assertThat(this.histogram.max()).isEqualTo(50);
	}

	@Test
	void aQuantileIsTheUpperEdgeOfItsBinWithinTheLargestValue() {
		// 1000 is in [992, 1007], a bin 16 wide; 5000 and 5100 in [4992, 5119], 128 wide.
		for (int i = 0; i < 10; i++) {
			this.histogram.record(1000);
		}
		this.histogram.record(5000);
		this.histogram.record(5100);

		assertThat(this.histogram.quantile(0.50)).isEqualTo(1007);
		assertThat(this.histogram.quantile(0.95)).isEqualTo(5100);
		assertThat(this.histogram.count()).isEqualTo(12);
	}

	@Test
	void aQuantileIsAtMostAboutThreePercentAboveTheValue() {
		// A thousand values spread over five powers of two: every quantile lies between
		// the exact nearest-rank value and 1/32 above it.
		long[] values = new long[1000];
		for (int i = 0; i < values.length; i++) {
			values[i] = 100 + (long) i * i * 3;
			this.histogram.record(values[i]);
		}
		for (double quantile : new double[] { 0.01, 0.25, 0.5, 0.9, 0.95, 0.99 }) {
			long exact = values[(int) Math.ceil(quantile * values.length) - 1];
			assertThat(this.histogram.quantile(quantile)).as("q%s", quantile).isBetween(exact, exact + exact / 32);
		}
	}

	@Test
	void aQuantileIsNeverAboveTheLargestValue() {
		this.histogram.record(1000);
		this.histogram.record(1001);

		assertThat(this.histogram.quantile(0.50)).isEqualTo(1001);
		assertThat(this.histogram.min()).isEqualTo(1000);
	}

	@Test
	void aSingleValueIsEveryQuantile() {
		this.histogram.record(777);

		assertThat(this.histogram.quantile(0)).isEqualTo(777);
		assertThat(this.histogram.quantile(0.5)).isEqualTo(777);
		assertThat(this.histogram.quantile(1)).isEqualTo(777);
		assertThat(this.histogram.mean()).isEqualTo(777.0);
	}

	@Test
	void anEmptyHistogramHasACountOfZeroAndNoStatistic() {
		assertThat(this.histogram.count()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.histogram.quantile(0.5))
			.withMessage("No value recorded");
		assertThatIllegalStateException().isThrownBy(this.histogram::mean);
		assertThatIllegalStateException().isThrownBy(this.histogram::min);
		assertThatIllegalStateException().isThrownBy(this.histogram::max);
	}

	@Test
	void aQuantileOutsideZeroToOneIsRejected() {
		this.histogram.record(1);

		assertThatIllegalArgumentException().isThrownBy(() -> this.histogram.quantile(95))
			.withMessage("A quantile is between 0 and 1, was 95.0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.histogram.quantile(Double.NaN));
	}

	@Test
	void aNegativeValueCountsAsZero() {
		this.histogram.record(-5);

		assertThat(this.histogram.quantile(1)).isZero();
		assertThat(this.histogram.min()).isZero();
	}

	@Test
	void valuesBeyondTheLastBinShareItAndKeepTheirExactSumAndLargestValue() {
		// 2^24 - 1 is the last bin's: anything larger adds to its count, not to memory.
		this.histogram.record(1L << 30);
		this.histogram.record(1L << 25);
		this.histogram.record(10);

		assertThat(this.histogram.quantile(1.0)).isEqualTo(1L << 30);
		assertThat(this.histogram.quantile(0.5)).isEqualTo(1L << 30);
		assertThat(this.histogram.quantile(0.3)).isEqualTo(10);
		assertThat(this.histogram.mean()).isEqualTo(((1L << 30) + (1L << 25) + 10) / 3.0);
	}

	@Test
	void aLatencyCountsInWholeMillisecondsRoundedUp() {
		this.histogram.record(Duration.ofNanos(300_000));
		this.histogram.record(Duration.ofMillis(40));
		this.histogram.record(Duration.ofNanos(40_000_001));
		this.histogram.record(Duration.ofMinutes(20));

		assertThat(this.histogram.min()).isEqualTo(1);
		assertThat(this.histogram.quantile(0.5)).isEqualTo(40);
		assertThat(this.histogram.quantile(0.75)).isEqualTo(41);
		assertThat(this.histogram.max()).isEqualTo(1_200_000);
		assertThat(this.histogram.quantile(1)).isEqualTo(1_200_000);
	}

	@Test
	void addedHistogramsReadAsOneAndResetEmpties() {
		ValueHistogram other = new ValueHistogram();
		other.record(40);
		this.histogram.record(20);
		this.histogram.add(other);
		this.histogram.add(new ValueHistogram());

		assertThat(this.histogram.count()).isEqualTo(2);
		assertThat(this.histogram.quantile(1.0)).isEqualTo(40);
		assertThat(this.histogram.min()).isEqualTo(20);

		this.histogram.reset();
		assertThat(this.histogram.count()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.histogram.quantile(0.5));
		this.histogram.record(7);
		assertThat(this.histogram.quantile(0.5)).isEqualTo(7);
		assertThat(this.histogram.max()).isEqualTo(7);
	}

	@Test
	void aBinOfMoreThanTwoBillionValuesStopsCountingRatherThanWrapRound() {
		this.histogram.record(5);
		// Each sum doubles the counts: 2^32 fives, in a bin that holds 2^31 - 1 at most
		// (a wrapped count would be 0, and every quantile 1000).
		for (int i = 0; i < 32; i++) {
			this.histogram.add(this.histogram);
		}
		this.histogram.record(1000);

		assertThat(this.histogram.count()).isEqualTo((1L << 32) + 1);
		assertThat(this.histogram.quantile(0.1)).isEqualTo(5);
		// Past the saturated bin's count, a quantile reads the largest value.
		assertThat(this.histogram.quantile(0.99)).isEqualTo(1000);
		assertThat(this.histogram.max()).isEqualTo(1000);
	}

}
