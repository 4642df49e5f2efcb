package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.test.Fault;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure-rate rule against the consecutive-failures rule, over real HTTP: a
 * simulated primary that answers the requests meant to fail with OpenAI's 500 and the
 * others with a completion, and a healthy fallback. Requests arrive at 700 per second of
 * the breakers' clock.
 */
class FailureRateBreakerHttpTest {

	/** One request's share of a second at 700 requests/s. */
	private static final Duration AT_700_PER_SECOND = Duration.ofNanos(1_000_000_000L / 700);

	private static final BreakerSettings FAILURE_RATE = new BreakerSettings(3, Duration.ofSeconds(30),
			Duration.ofSeconds(60), false, BreakerSettings.Rule.FAILURE_RATE, 0.5, Duration.ofSeconds(30), 20);

	private final BreakerChains chains = new BreakerChains();

	@BeforeEach
	void stubProviders() {
		this.chains.primary.answerWith("from the primary");
		this.chains.fallback.answerWith("from the fallback");
	}

	@AfterEach
	void stopProviders() {
		this.chains.close();
	}

	@Test
	void atTwentyFourPercentFailuresTheFailureRateBreakerStaysClosedWhereTheConsecutiveRuleShutsThePrimaryOut() {
		// Six failures in 25 requests, three of them in a row: 24%.
		List<Boolean> failures = pattern(8, 25, 0, 1, 2, 8, 15, 21);

		int servedByPrimary = send(chain(FAILURE_RATE), failures);

		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.CLOSED);
		assertThat(servedByPrimary).isEqualTo(200 - 48);
		assertThat(this.chains.transitions).isEmpty();

		int servedByPrimaryUnderConsecutiveRule = send(chain(BreakerSettings.DEFAULTS), failures);

		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
		assertThat(servedByPrimaryUnderConsecutiveRule).isZero();
	}

	@Test
	void atSixtyPercentFailuresTheBreakerOpensOnceTheWindowHoldsTheMinimumOfCalls() {
		FallbackChain chain = chain(FAILURE_RATE);
		List<Boolean> failures = pattern(4, 5, 0, 1, 3);

		send(chain, failures.subList(0, 19));
		assertThat(this.chains.breakers.state("p0")).as("19 calls, 12 of them failed, are fewer than the minimum")
			.isEqualTo(State.CLOSED);

		send(chain, failures.subList(19, 20));
		assertThat(this.chains.breakers.state("p0")).as("20 calls, 12 of them failed: 60%").isEqualTo(State.OPEN);
		assertThat(this.chains.transitionsOf("p0")).containsExactly("CLOSED->OPEN");
		assertThat(this.chains.transitionCount("p0", "CLOSED", "OPEN")).isEqualTo(1);
	}

	@Test
	void fewerCallsThanTheMinimumNeverOpenTheBreakerAndCallsOlderThanTheWindowDropOut() {
		FallbackChain chain = chain(FAILURE_RATE);

		send(chain, pattern(19, 1, 0));
		assertThat(this.chains.breakers.state("p0")).as("19 calls, every one failed").isEqualTo(State.CLOSED);

		this.chains.clock.advance(Duration.ofSeconds(31));
		send(chain, pattern(19, 1, 0));
		assertThat(this.chains.breakers.state("p0")).as("the first 19 are out of the 30 s window")
			.isEqualTo(State.CLOSED);

		send(chain, pattern(1, 1, 0));
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
	}

	@Test
	void anOpenFailureRateBreakerLetsOneHalfOpenProbeThroughThatClosesItOrOpensItAgain() {
		FallbackChain chain = chain(FAILURE_RATE);
		send(chain, pattern(20, 1, 0));
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);

		this.chains.clock.advance(Duration.ofSeconds(61));
		send(chain, pattern(1, 1, 0));
		assertThat(this.chains.breakers.state("p0")).as("the probe failed").isEqualTo(State.OPEN);

		this.chains.clock.advance(Duration.ofSeconds(61));
		assertThat(send(chain, pattern(1, 1))).as("the probe served").isEqualTo(1);
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.CLOSED);

		assertThat(this.chains.transitionsOf("p0")).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN",
				"HALF_OPEN->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
		assertThat(this.chains.transitionCount("p0", "OPEN", "HALF_OPEN")).isEqualTo(2);
		assertThat(this.chains.transitionCount("p0", "HALF_OPEN", "OPEN")).isEqualTo(1);
		assertThat(this.chains.transitionCount("p0", "HALF_OPEN", "CLOSED")).isEqualTo(1);
	}

	/**
	 * Sends one request per element, failing on the primary where it is true; returns how
	 * many it served.
	 */
	private int send(FallbackChain chain, List<Boolean> failures) {
		int servedByPrimary = 0;
		for (boolean fail : failures) {
			if (fail) {
				this.chains.primary.inject(Fault.ofStatus(500));
			}
			else {
				this.chains.primary.heal();
			}
			ChainResponse response = chain.chat(ChatRequest.ofUser(fail ? "fail" : "hello")).block();
			if (!response.isFallback()) {
				servedByPrimary++;
			}
			this.chains.clock.advance(AT_700_PER_SECOND);
		}
		return servedByPrimary;
	}

	/** Blocks of requests that fail at the given positions within each block. */
	private static List<Boolean> pattern(int blocks, int blockSize, int... failingPositions) {
		List<Boolean> pattern = new ArrayList<>();
		for (int block = 0; block < blocks; block++) {
			for (int position = 0; position < blockSize; position++) {
				pattern.add(Arrays.binarySearch(failingPositions, position) >= 0);
			}
		}
		return pattern;
	}

	private FallbackChain chain(BreakerSettings primaryBreaker) {
		return this.chains.chain(new ChainSettings("rate", List.of("p0", "p1"), Duration.ofSeconds(20), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON), primaryBreaker, ObservationRegistry.NOOP);
	}

}
