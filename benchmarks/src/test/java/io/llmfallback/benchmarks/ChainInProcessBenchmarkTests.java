package io.llmfallback.benchmarks;

import io.llmfallback.chain.ChainResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls each in-process benchmark method once, outside JMH; no benchmark is run here. */
class ChainInProcessBenchmarkTests {

	private final ChainInProcessBenchmark benchmark = new ChainInProcessBenchmark();

	@BeforeEach
	void setUp() {
		this.benchmark.setUp();
	}

	@Test
	void everyVariantGetsTheAnswer() {
		assertThat(this.benchmark.stubProvider().text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.stubProviderWithTimeout().text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(this.benchmark.stubProviderInBreaker().text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		ChainResponse response = this.benchmark.chain();
		assertThat(response.text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(response.isFallback()).isFalse();
		assertThat(response.attempts()).hasSize(1);
	}

}
