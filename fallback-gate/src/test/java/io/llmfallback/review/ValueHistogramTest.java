package io.llmfallback.review;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Percentiles are nearest-rank, exact below 64, at most one bin (1/32 of a power of two)
 * above beyond.
 */
class ValueHistogramTest {

	private final ValueHistogram histogram = new ValueHistogram();

	@Test
	void valuesBelowSixtyFourAreExact() {
		for (int value = 1; value <= 50; value++) {
			this.histogram.record(value);
		}
		assertThat(this.histogram.percentile(0.50)).isEqualTo(25);
		assertThat(this.histogram.percentile(0.95)).isEqualTo(48);
		assertThat(this.histogram.percentile(0.99)).isEqualTo(50);
		assertThat(this.histogram.mean()).isEqualTo(25.5);
		assertThat(this.histogram.min()).isEqualTo(1);
		assertThat(this.histogram.max()).isEqualTo(50);
	}

	@Test
	void aPercentileIsTheUpperEdgeOfItsBinWithinTheLargestValue() {
		// 1000 is in [992, 1007], a bin 16 wide; 5000 and 5100 in [4992, 5119], 128 wide.
		for (int i = 0; i < 10; i++) {
			this.histogram.record(1000);
		}
		this.histogram.record(5000);
		this.histogram.record(5100);

		assertThat(this.histogram.percentile(0.50)).isEqualTo(1007);
		assertThat(this.histogram.percentile(0.95)).isEqualTo(5100);
		assertThat(this.histogram.count()).isEqualTo(12);
	}

	@Test
	void aPercentileIsNeverAboveTheLargestValue() {
		this.histogram.record(1000);
		this.histogram.record(1001);

		assertThat(this.histogram.percentile(0.50)).isEqualTo(1001);
		assertThat(this.histogram.min()).isEqualTo(1000);
	}

	@Test
	void valuesBeyondTheLastBinKeepTheirExactSumAndLargestValue() {
		this.histogram.record(1L << 30);
		this.histogram.record(10);

		assertThat(this.histogram.percentile(1.0)).isEqualTo(1L << 30);
		assertThat(this.histogram.percentile(0.5)).isEqualTo(10);
		assertThat(this.histogram.mean()).isEqualTo(((1L << 30) + 10) / 2.0);
	}

	@Test
	void addedHistogramsReadAsOneAndResetEmpties() {
		ValueHistogram other = new ValueHistogram();
		other.record(40);
		this.histogram.record(20);
		this.histogram.add(other);
		this.histogram.add(new ValueHistogram());

		assertThat(this.histogram.count()).isEqualTo(2);
		assertThat(this.histogram.percentile(1.0)).isEqualTo(40);
		assertThat(this.histogram.min()).isEqualTo(20);

		this.histogram.reset();
		assertThat(this.histogram.count()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.histogram.percentile(0.5));
	}

}
