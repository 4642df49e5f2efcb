package io.llmfallback.benchmarks.outage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four variants and, in one place, the properties of the three that run the starter.
 * Every variant gets the same providers (its own pair of simulators), the same provider
 * timeout and the same prices.
 */
enum VariantSettings {

	/** (a) Hand-written WebClient code: timeout, then the fallback; no breaker. */
	NAIVE("a-naive", "naive: WebClient, timeout then fallback, no breaker"),

	/**
	 * (b) The starter as the previous release behaved: breaker only, the new protections
	 * off.
	 */
	PREVIOUS("b-previous", "starter, previous release: breaker only"),

	/** (c) The starter's new defaults, and retries on the primary. */
	DEFAULTS("c-defaults", "starter, new defaults + primary retries"),

	/** (d) As (c), with hedging after the primary's p95. */
	HEDGING("d-hedging", "starter, new defaults + retries + hedge after p95");

	/** The chain's name in every starter variant. */
	static final String CHAIN = "outage";

	private final String key;

	private final String description;

	VariantSettings(String key, String description) {
		this.key = key;
		this.description = description;
	}

	/** The variant's short name in the report. */
	String key() {
		return this.key;
	}

	String description() {
		return this.description;
	}

	/**
	 * The starter's properties for this variant; empty for the naive one, which has no
	 * starter.
	 */
	Map<String, Object> properties(String primaryBaseUrl, String fallbackBaseUrl, HarnessOptions options) {
		Map<String, Object> properties = new LinkedHashMap<>();
		if (this == NAIVE) {
			return properties;
		}
		provider(properties, ProviderRole.PRIMARY, primaryBaseUrl, options);
		provider(properties, ProviderRole.FALLBACK, fallbackBaseUrl, options);
		String chain = "llm.fallback.chains." + CHAIN + ".";
		properties.put(chain + "providers",
				ProviderRole.PRIMARY.providerName() + "," + ProviderRole.FALLBACK.providerName());
		properties.put(chain + "latency-budget", options.latencyBudget().toMillis() + "ms");
		switch (this) {
			case PREVIOUS -> {
				for (ProviderRole role : ProviderRole.values()) {
					String provider = "llm.fallback.providers." + role.providerName() + ".";
					properties.put(provider + "slow-call-detection", "false");
					properties.put(provider + "cancel-waiting-calls", "false");
					properties.put(provider + "max-concurrency", "100000");
					properties.put(provider + "rate-limit.respect-retry-after", "false");
				}
			}
			case DEFAULTS -> primaryRetries(properties);
			case HEDGING -> {
				primaryRetries(properties);
				properties.put(chain + "hedge.after", "p95");
			}
			default -> throw new IllegalStateException(name());
		}
		return properties;
	}

	private static void provider(Map<String, Object> properties, ProviderRole role, String baseUrl,
			HarnessOptions options) {
		String provider = "llm.fallback.providers." + role.providerName() + ".";
		properties.put(provider + "type", role.type());
		properties.put(provider + "base-url", baseUrl);
		properties.put(provider + "api-key", "sk-outage-" + role.providerName());
		properties.put(provider + "model", role.model());
		properties.put(provider + "timeout", options.providerTimeout().toMillis() + "ms");
		properties.put(provider + "pricing.input-per-million-tokens",
				role.pricing().inputPerMillionTokens().toPlainString());
		properties.put(provider + "pricing.output-per-million-tokens",
				role.pricing().outputPerMillionTokens().toPlainString());
	}

	private static void primaryRetries(Map<String, Object> properties) {
		properties.put("llm.fallback.providers." + ProviderRole.PRIMARY.providerName() + ".retry.max-attempts", "2");
	}

	/** The client of this variant, against its two simulators. */
	VariantClient client(String primaryBaseUrl, String fallbackBaseUrl, HarnessOptions options) {
		return (this == NAIVE) ? new NaiveClient(primaryBaseUrl, fallbackBaseUrl, options.providerTimeout())
				: new StarterClient(properties(primaryBaseUrl, fallbackBaseUrl, options));
	}

}
