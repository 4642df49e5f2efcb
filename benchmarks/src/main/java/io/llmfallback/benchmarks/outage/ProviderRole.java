package io.llmfallback.benchmarks.outage;

import java.math.BigDecimal;
import java.time.Duration;

import io.llmfallback.cost.Pricing;
import io.llmfallback.model.TokenUsage;

/**
 * The two providers every variant has, and the one place of their models, prices,
 * latencies and usage: the starter's pricing properties and the naive client's cost are
 * both read from here.
 */
enum ProviderRole {

	/** A cheap, usually fast model that is the one to fail. */
	PRIMARY("primary", "openai", "/v1/chat/completions", "gpt-4o-mini",
			new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60")), Duration.ofMillis(300), 0.35),

	/** A dearer model of another vendor, healthy throughout. */
	FALLBACK("fallback", "anthropic", "/v1/messages", "claude-sonnet-4-5",
			new Pricing(new BigDecimal("3.00"), new BigDecimal("15.00")), Duration.ofMillis(50), 0.3);

	/**
	 * The tokens every simulated answer reports: a short prompt and a paragraph of
	 * answer.
	 */
	static final TokenUsage USAGE = new TokenUsage(420, 180);

	private final String providerName;

	private final String type;

	private final String path;

	private final String model;

	private final Pricing pricing;

	private final Duration medianLatency;

	private final double sigma;

	ProviderRole(String providerName, String type, String path, String model, Pricing pricing, Duration medianLatency,
			double sigma) {
		this.providerName = providerName;
		this.type = type;
		this.path = path;
		this.model = model;
		this.pricing = pricing;
		this.medianLatency = medianLatency;
		this.sigma = sigma;
	}

	/** The provider's name under {@code llm.fallback.providers}. */
	String providerName() {
		return this.providerName;
	}

	/** Its wire protocol, as {@code llm.fallback.providers.NAME.type}. */
	String type() {
		return this.type;
	}

	/** The one path its simulator serves. */
	String path() {
		return this.path;
	}

	String model() {
		return this.model;
	}

	Pricing pricing() {
		return this.pricing;
	}

	/** Median of its lognormal latency. */
	Duration medianLatency() {
		return this.medianLatency;
	}

	/** Shape of its lognormal latency: p99 is the median times e^(2.326 sigma). */
	double sigma() {
		return this.sigma;
	}

	static ProviderRole ofProvider(String providerName) {
		return (PRIMARY.providerName.equals(providerName)) ? PRIMARY : FALLBACK;
	}

}
