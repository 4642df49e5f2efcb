package io.llmfallback.cost;

import java.math.BigDecimal;

import io.llmfallback.model.TokenUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The cost of a call: uncached prompt, cached prompt and completion tokens, each at its
 * own price.
 */
class PricingTest {

	private static final Pricing SONNET = new Pricing(new BigDecimal("3.00"), new BigDecimal("15.00"),
			new BigDecimal("0.30"));

	@Test
	void chargesPromptAndCompletionTokens() {
		Pricing gpt4o = new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"));

		// (1000 * 2.50 + 500 * 10.00) / 1M
		assertThat(gpt4o.cost(new TokenUsage(1000, 500))).isEqualTo(new BigDecimal("0.0075000000"));
	}

	@Test
	void chargesCachedPromptTokensAtTheCachedInputPrice() {
		// (1304 uncached * 3.00 + 3072 cached * 0.30 + 31 * 15.00) / 1M = (3912 + 921.6 +
		// 465) / 1M
		assertThat(SONNET.cost(new TokenUsage(4376, 31, 3072))).isEqualTo(new BigDecimal("0.0052986000"));
	}

	@Test
	void withoutACachedInputPriceCachedPromptTokensCostWhatTheOthersDo() {
		Pricing noDiscount = new Pricing(new BigDecimal("3.00"), new BigDecimal("15.00"));

		assertThat(noDiscount.cachedInputPerMillionTokens()).isEqualTo(new BigDecimal("3.00"));
		// (4376 * 3.00 + 31 * 15.00) / 1M
		assertThat(noDiscount.cost(new TokenUsage(4376, 31, 3072))).isEqualTo(new BigDecimal("0.0135930000"));
	}

	@Test
	void roundsHalfUpToTenDecimalPlaces() {
		Pricing tiny = new Pricing(new BigDecimal("0.10"), new BigDecimal("0.40"), new BigDecimal("0.00005"));

		// 0.00005 / 1M = 0.00000000005
		assertThat(tiny.cost(new TokenUsage(1, 0, 1))).isEqualTo(new BigDecimal("0.0000000001"));
	}

	@Test
	void freeCostsNothing() {
		assertThat(Pricing.FREE.cost(new TokenUsage(4376, 31, 3072))).isEqualTo(new BigDecimal("0.0000000000"));
	}

	@Test
	void dearerIsJudgedOnInputPlusOutputWithoutTheCacheDiscount() {
		Pricing sameWithoutDiscount = new Pricing(new BigDecimal("3"), new BigDecimal("15"));
		Pricing dearerOutput = new Pricing(new BigDecimal("3.00"), new BigDecimal("15.01"), new BigDecimal("0.30"));

		assertThat(sameWithoutDiscount.isDearerThan(SONNET)).isFalse();
		assertThat(SONNET.isDearerThan(sameWithoutDiscount)).isFalse();
		assertThat(dearerOutput.isDearerThan(SONNET)).isTrue();
	}

	@Test
	void rejectsNegativePrices() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Pricing(BigDecimal.ONE, BigDecimal.TEN, new BigDecimal("-0.10")))
			.withMessage("cachedInputPerMillionTokens cannot be negative, was -0.10");
		assertThatIllegalArgumentException().isThrownBy(() -> new Pricing(new BigDecimal("-1"), BigDecimal.TEN))
			.withMessage("inputPerMillionTokens cannot be negative, was -1");
	}

}
