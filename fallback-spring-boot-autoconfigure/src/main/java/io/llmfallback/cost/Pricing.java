package io.llmfallback.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

import io.llmfallback.model.TokenUsage;

/**
 * What a provider charges, in USD per million tokens.
 *
 * @param inputPerMillionTokens price of a million prompt tokens
 * @param outputPerMillionTokens price of a million completion tokens
 * @param cachedInputPerMillionTokens price of a million prompt tokens served from the
 * provider's prompt cache; the input price where the provider has no cheaper one
 */
public record Pricing(BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens,
		BigDecimal cachedInputPerMillionTokens) {

	/**
	 * For providers with no price configured: they cost nothing as far as the starter can
	 * tell.
	 */
	public static final Pricing FREE = new Pricing(BigDecimal.ZERO, BigDecimal.ZERO);

	private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

	public Pricing {
		requireNotNegative(inputPerMillionTokens, "inputPerMillionTokens");
		requireNotNegative(outputPerMillionTokens, "outputPerMillionTokens");
		requireNotNegative(cachedInputPerMillionTokens, "cachedInputPerMillionTokens");
	}

	/**
	 * A price without a prompt-cache discount: cached prompt tokens cost what the others
	 * do.
	 */
	public Pricing(BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens) {
		this(inputPerMillionTokens, outputPerMillionTokens, inputPerMillionTokens);
	}

	/**
	 * Whether this price is higher than the other's for the same call, judged on input
	 * plus output price per million tokens. Cache discounts are left out: whether a
	 * prompt hits the cache is up to each provider.
	 */
	public boolean isDearerThan(Pricing other) {
		return this.inputPerMillionTokens.add(this.outputPerMillionTokens)
			.compareTo(other.inputPerMillionTokens.add(other.outputPerMillionTokens)) > 0;
	}

	/**
	 * The cost of a call's tokens in USD, to 10 decimal places so that sums over many
	 * calls stay exact to the cent: uncached prompt tokens at the input price, cached
	 * ones at the cached-input price, completion tokens at the output price.
	 */
	public BigDecimal cost(TokenUsage usage) {
		BigDecimal uncached = this.inputPerMillionTokens.multiply(BigDecimal.valueOf(usage.uncachedInputTokens()));
		BigDecimal cached = this.cachedInputPerMillionTokens.multiply(BigDecimal.valueOf(usage.cachedInputTokens()));
		BigDecimal output = this.outputPerMillionTokens.multiply(BigDecimal.valueOf(usage.outputTokens()));
		return uncached.add(cached).add(output).divide(MILLION, 10, RoundingMode.HALF_UP);
	}

	private static void requireNotNegative(BigDecimal price, String name) {
		Objects.requireNonNull(price, name);
		if (price.signum() < 0) {
			throw new IllegalArgumentException(name + " cannot be negative, was " + price);
		}
	}

}
