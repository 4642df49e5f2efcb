package io.llmfallback.cost.internal;

import java.math.BigDecimal;
import java.util.Map;

import io.llmfallback.cost.Pricing;
import io.llmfallback.model.internal.ModelCatalog;
import org.jspecify.annotations.Nullable;

/**
 * Default prices of a handful of well-known models, for providers whose price is not
 * configured. They are the providers' list prices for standard (not batch, not priority)
 * requests on their own APIs, as of 2026-11-25: prices change, and gateways, clouds and
 * negotiated contracts charge differently, so a configured price always wins.
 * <p>
 * A model matches an entry as {@link ModelCatalog} says.
 */
public final class ModelPrices {

	// USD per million tokens: input, cached input, output. Sources:
	// platform.openai.com/docs/pricing, platform.claude.com/docs/en/about-claude/pricing
	// ("cache hits"), ai.google.dev/gemini-api/docs/pricing ("context caching", prompts
	// of up to 200k tokens). Anthropic's cache writes and Gemini 2.5 Pro's longer prompts
	// cost more; the table keeps the common case.
	private static final ModelCatalog<Pricing> PRICES = new ModelCatalog<>(Map.ofEntries(
			price("gpt-4o", "2.50", "1.25", "10.00"),
			// The first gpt-4o snapshot kept its launch price and never had a cache
			// discount.
			price("gpt-4o-2024-05-13", "5.00", "5.00", "15.00"), price("gpt-4o-mini", "0.15", "0.075", "0.60"),
			price("gpt-4.1", "2.00", "0.50", "8.00"), price("gpt-4.1-mini", "0.40", "0.10", "1.60"),
			price("o3", "2.00", "0.50", "8.00"), price("o4-mini", "1.10", "0.275", "4.40"),
			// The -4-0 names alias the first Claude 4 snapshots; a one-digit suffix is a
			// version (4-5 is another model), never a snapshot, so they are listed
			// themselves.
			price("claude-opus-4", "15.00", "1.50", "75.00"), price("claude-opus-4-0", "15.00", "1.50", "75.00"),
			price("claude-opus-4-1", "15.00", "1.50", "75.00"), price("claude-sonnet-4", "3.00", "0.30", "15.00"),
			price("claude-sonnet-4-0", "3.00", "0.30", "15.00"), price("claude-sonnet-4-5", "3.00", "0.30", "15.00"),
			price("claude-haiku-4-5", "1.00", "0.10", "5.00"), price("claude-3-5-haiku", "0.80", "0.08", "4.00"),
			price("gemini-2.5-pro", "1.25", "0.125", "10.00"), price("gemini-2.5-flash", "0.30", "0.03", "2.50"),
			price("gemini-2.0-flash", "0.10", "0.025", "0.40")));

	private ModelPrices() {
	}

	/**
	 * The list price of a model, or {@code null} when the table does not know it.
	 * @param model the model as configured; Google's {@code models/} prefix is allowed
	 */
	public static @Nullable Pricing forModel(String model) {
		return PRICES.forModel(model);
	}

	private static Map.Entry<String, Pricing> price(String model, String input, String cachedInput, String output) {
		return Map.entry(model,
				new Pricing(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cachedInput)));
	}

}
