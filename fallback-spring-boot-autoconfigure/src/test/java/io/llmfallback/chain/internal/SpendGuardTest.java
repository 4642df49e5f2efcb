package io.llmfallback.chain.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The spend guard stops a dearer fallback at the limit and lets it serve again when the
 * window rolls. Each fallback answer costs 10 input and 20 output tokens at 100 / 400 USD
 * per million: 0.009 USD.
 */
class SpendGuardTest {

	private static final Pricing PRIMARY_PRICE = new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"));

	private static final Pricing DEAR = new Pricing(new BigDecimal("100"), new BigDecimal("400"));

	private static final Pricing CHEAP = new Pricing(new BigDecimal("0.10"), new BigDecimal("0.40"));

	private final MutableClock clock = new MutableClock();

	private final ScriptedProvider primary = ScriptedProvider.of("primary", (request) -> Mono
		.error(new ProviderException("primary", FailureCategory.OVERLOADED, 529, null, "overloaded", null)));

	private final ScriptedProvider fallback = ScriptedProvider.answering("fallback", "served");

	@Test
	void aDearerFallbackStopsAtTheChainLimitAndResumesWhenTheWindowRolls() {
		SpendGuard guard = new SpendGuard(null, Map.of("chat", new BigDecimal("0.015")), Duration.ofHours(1),
				this.clock);
		FallbackChain chain = chain(guard, DEAR);

		chain.chat(ChatRequest.ofUser("one")).block();
		chain.chat(ChatRequest.ofUser("two")).block();
		assertThat(guard.spent("chat")).isEqualByComparingTo("0.018");
		assertThat(guard.isLimited("chat")).isTrue();

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("three")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
				.containsExactly("overloaded", "spend-limited"));
		assertThat(this.fallback.received()).hasSize(2);

		this.clock.advance(Duration.ofMinutes(61));
		assertThat(chain.chat(ChatRequest.ofUser("four")).block().text()).isEqualTo("served");
	}

	@Test
	void theGlobalLimitCountsEveryChain() {
		SpendGuard guard = new SpendGuard(new BigDecimal("0.009"), Map.of(), Duration.ofHours(1), this.clock);
		FallbackChain chain = chain(guard, DEAR);

		chain.chat(ChatRequest.ofUser("one")).block();

		assertThat(guard.isLimited("chat")).isTrue();
		assertThat(guard.isLimited("any-other-chain")).isTrue();
	}

	@Test
	void aFallbackCheaperThanThePrimaryIsNeverStopped() {
		SpendGuard guard = new SpendGuard(new BigDecimal("0.000001"), Map.of(), Duration.ofHours(1), this.clock);
		FallbackChain chain = chain(guard, CHEAP);

		chain.chat(ChatRequest.ofUser("one")).block();
		chain.chat(ChatRequest.ofUser("two")).block();

		assertThat(guard.isLimited("chat")).isTrue();
		assertThat(this.fallback.received()).hasSize(2);
	}

	private FallbackChain chain(SpendGuard guard, Pricing fallbackPrice) {
		List<LlmProvider> providers = List.of(this.primary, this.fallback);
		Map<String, BreakerSettings> breakers = new LinkedHashMap<>();
		// A high threshold keeps the breaker out of the way: this test is about spend.
		breakers.put("primary", new BreakerSettings(100, Duration.ofSeconds(30), Duration.ofSeconds(60), false));
		breakers.put("fallback", BreakerSettings.DEFAULTS);
		return new DefaultFallbackChain(
				new ChainSettings("chat", List.of("primary", "fallback"), Duration.ofSeconds(10), 2048,
						ChainSettings.DEFAULT_FALLBACK_ON),
				providers, new ProviderCircuitBreakers(breakers, Clock.systemUTC(), (transition) -> {
				}), Map.of("primary", PRIMARY_PRICE, "fallback", fallbackPrice), guard,
				new ChainExtensions(List.of(), ObservationRegistry.NOOP, false, guard));
	}

}
