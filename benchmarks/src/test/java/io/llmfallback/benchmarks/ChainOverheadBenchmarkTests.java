package io.llmfallback.benchmarks;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.model.ChatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls each benchmark method once, outside JMH, against a stub that also checks headers
 * and body: the three callers must send the same request and read the same answer, or the
 * comparison is not fair. No benchmark is run here.
 */
class ChainOverheadBenchmarkTests {

	private final ChainOverheadBenchmark benchmark = new ChainOverheadBenchmark();

	@BeforeEach
	void setUp() {
		this.benchmark.strictStub = true;
		this.benchmark.setUp();
	}

	@AfterEach
	void tearDown() {
		this.benchmark.tearDown();
	}

	@Test
	void directWebClientReadsTheAnswer() {
		assertThat(this.benchmark.directWebClient()).isEqualTo(ChainOverheadBenchmark.ANSWER);
	}

	@Test
	void providerSendsTheSameRequestAndReadsTheAnswer() {
		ChatResponse response = this.benchmark.provider();
		assertThat(response.text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(response.finishReason()).isEqualTo("stop");
		assertThat(response.usage().totalTokens()).isEqualTo(93);
	}

	@Test
	void chainIsServedByTheHealthyPrimaryInOneAttempt() {
		ChainResponse response = this.benchmark.chain();
		assertThat(response.text()).isEqualTo(ChainOverheadBenchmark.ANSWER);
		assertThat(response.isFallback()).isFalse();
		assertThat(response.attempts()).hasSize(1);
		assertThat(response.response().provider()).isEqualTo("primary");
		assertThat(response.costUsd()).isPositive();
		assertThat(response.attempts().get(0).label()).isEqualTo("success");
	}

}
