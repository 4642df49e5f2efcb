package io.llmfallback.cost.internal;

import io.llmfallback.cost.Pricing;

/** Where the price a provider is charged at comes from. */
public enum PricingSource {

	/** The provider's own price configuration. */
	CONFIGURED,

	/** The list price of the provider's model, from {@link ModelPrices}. */
	CATALOG,

	/** Neither: the provider is treated as free ({@link Pricing#FREE}). */
	NONE

}
