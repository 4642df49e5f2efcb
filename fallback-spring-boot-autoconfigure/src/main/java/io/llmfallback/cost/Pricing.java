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
 */
public record Pricing(BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens) {

	/** For providers with no price configured: they cost nothing as far as the starter can tell. */
	public static final Pricing FREE = new Pricing(BigDecimal.ZERO, BigDecimal.ZERO);

	private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

	public Pricing {
		Objects.requireNonNull(inputPerMillionTokens, "inputPerMillionTokens");
		Objects.requireNonNull(outputPerMillionTokens, "outputPerMillionTokens");
	}

	/**
	 * Whether this price is higher than the other's for the same call, judged on input plus output price per
	 * million tokens.
	 */
	public boolean isDearerThan(Pricing other) {
		return this.inputPerMillionTokens.add(this.outputPerMillionTokens)
			.compareTo(other.inputPerMillionTokens.add(other.outputPerMillionTokens)) > 0;
	}

	/** The cost of a call's tokens in USD, to 10 decimal places so that sums over many calls stay exact to the cent. */
	public BigDecimal cost(TokenUsage usage) {
		BigDecimal input = this.inputPerMillionTokens.multiply(BigDecimal.valueOf(usage.inputTokens()));
		BigDecimal output = this.outputPerMillionTokens.multiply(BigDecimal.valueOf(usage.outputTokens()));
		return input.add(output).divide(MILLION, 10, RoundingMode.HALF_UP);
	}

}
