package io.llmfallback.observe.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ChainExtensions;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.GuardSettings;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.RateLimitSettings;
import io.llmfallback.chain.internal.RetrySettings;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards' gauges and the budgets' counters, read from a real guard and a real chain.
 */
class GuardMetersTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
			Map.of("gpt", BreakerSettings.DEFAULTS, "claude", BreakerSettings.DEFAULTS), Clock.systemUTC(),
			(transition) -> {
			});

	private final ProviderGuards guards = new ProviderGuards(Map.of("gpt",
			new GuardSettings(Duration.ofSeconds(10), true, Duration.ofMillis(2500), 3, 2, RetrySettings.OFF,
					RateLimitSettings.DEFAULTS),
			"claude", GuardSettings.defaults(Duration.ofSeconds(30), BreakerSettings.DEFAULTS)), this.breakers);

	private final DefaultFallbackChain chain = new DefaultFallbackChain(
			new ChainSettings("summarize", List.of("gpt", "claude"), Duration.ofSeconds(60), null,
					ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true, 3, 0.1,
					HedgeSettings.afterPercentile(95, 0.05)),
			List.of(ScriptedProvider.answering("gpt", "x"), ScriptedProvider.answering("claude", "x")), this.breakers,
			this.guards, Map.of(), (outcome) -> {
			}, ChainExtensions.NONE);

	GuardMetersTest() {
		new GuardMeters(this.guards, List.of("gpt", "claude"), List.of(this.chain)).bindTo(this.registry);
	}

	@Test
	void inFlightFollowsTheCallsTheGuardHolds() {
		Disposable first = this.guards.guard("gpt", 10, Mono.<ChatResponse>never()).subscribe();
		Disposable second = this.guards.guard("gpt", 10, Mono.<ChatResponse>never()).subscribe();
		assertThat(inFlight("gpt")).isEqualTo(2);
		assertThat(inFlight("claude")).isZero();

		first.dispose();
		assertThat(inFlight("gpt")).isEqualTo(1);
		second.dispose();
		assertThat(inFlight("gpt")).isZero();
	}

	@Test
	void slowCallThresholdIsInSeconds() {
		assertThat(this.registry.get("llm.fallback.provider.slow_call_threshold")
			.tag("provider", "gpt")
			.timeGauge()
			.value(TimeUnit.SECONDS)).isEqualTo(2.5);
		assertThat(this.registry.get("llm.fallback.provider.slow_call_threshold")
			.tag("provider", "claude")
			.timeGauge()
			.value(TimeUnit.SECONDS)).isEqualTo(this.guards.slowCallThreshold("claude").toNanos() / 1e9);
	}

	@Test
	void budgetExhaustedCountsWhatEachBudgetRefused() {
		// No request yet: the retry budget's reserve of one retry is all it grants; two
		// more are refused.
		for (int i = 0; i < 3; i++) {
			this.chain.retryBudget().tryAcquire();
		}
		this.chain.hedgeBudget().tryAcquire();

		assertThat(exhausted("retry")).isEqualTo(2);
		assertThat(exhausted("hedge")).isEqualTo(1);
	}

	private double inFlight(String provider) {
		return this.registry.get("llm.fallback.provider.in_flight").tag("provider", provider).gauge().value();
	}

	private double exhausted(String budget) {
		return this.registry.get("llm.fallback.budget.exhausted")
			.tags("chain", "summarize", "budget", budget)
			.functionCounter()
			.count();
	}

}
