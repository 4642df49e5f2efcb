package io.llmfallback.actuate.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.internal.ChainSignalSnapshot;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.validation.internal.FallbackValidation;
import io.llmfallback.validation.internal.FallbackValidations;
import org.jspecify.annotations.Nullable;

/**
 * The runtime's providers and chains as {@code /actuator/llmfallback} and the
 * {@code llmFallback} health component read them: the one object both depend on, so that
 * neither knows which runtime bean holds which figure. Read-only, except that
 * {@link #evaluateAlerts()} evaluates the alerts as reading the endpoint always has.
 */
public final class LlmFallbackStatus {

	private final LlmProviders providers;

	private final FallbackChains chains;

	private final ProviderCircuitBreakers breakers;

	private final ProviderGuards guards;

	private final ChainStatistics statistics;

	private final FallbackSignals signals;

	private final SpendGuard spendGuard;

	private final @Nullable FallbackValidations validations;

	/**
	 * @param validations each chain's gate corpus and outcome, {@code null} without the
	 * fallback-gate module
	 */
	public LlmFallbackStatus(LlmProviders providers, FallbackChains chains, ProviderCircuitBreakers breakers,
			ProviderGuards guards, ChainStatistics statistics, FallbackSignals signals, SpendGuard spendGuard,
			@Nullable FallbackValidations validations) {
		this.providers = providers;
		this.chains = chains;
		this.breakers = breakers;
		this.guards = guards;
		this.statistics = statistics;
		this.signals = signals;
		this.spendGuard = spendGuard;
		this.validations = validations;
	}

	/** Every provider, in configuration order. */
	public Collection<LlmProvider> providers() {
		return this.providers.all();
	}

	/** Every chain, in configuration order. */
	public Collection<FallbackChain> chains() {
		return this.chains.all();
	}

	/** The chain of that name, or {@code null} when none is configured. */
	public @Nullable FallbackChain chain(String name) {
		return this.chains.contains(name) ? this.chains.chain(name) : null;
	}

	/** The provider's breaker state now. */
	public CircuitBreaker.State breakerState(String provider) {
		return this.breakers.state(provider);
	}

	/** Whether the provider's breaker lets a call through now. */
	public boolean callPermitted(String provider) {
		return this.breakers.isCallPermitted(provider);
	}

	/** How many calls of the provider are in flight now. */
	public int inFlight(String provider) {
		return this.guards.inFlight(provider);
	}

	/** The most calls of the provider in flight at once. */
	public int maxConcurrency(String provider) {
		return this.guards.settings(provider).maxConcurrency();
	}

	/** The age past which a call of the provider in flight is slow now. */
	public Duration slowCallThreshold(String provider) {
		return this.guards.slowCallThreshold(provider);
	}

	/**
	 * How long the {@code retry-after} of the provider's last 429 still keeps requests
	 * from it, or {@code null}.
	 */
	public @Nullable Duration limitedFor(String provider) {
		return this.guards.limitedFor(provider);
	}

	/** The chain's six signals over their rolling windows. */
	public ChainSignalSnapshot signals(String chain) {
		return this.signals.snapshot(chain);
	}

	/** The chain's counts since start. */
	public ChainStatistics.Snapshot totals(String chain) {
		return this.statistics.snapshot(chain);
	}

	/** What the chain spent within the spend-guard window. */
	public BigDecimal spent(String chain) {
		return this.spendGuard.spent(chain);
	}

	/** The chain's own spend limit, or {@code null}. */
	public @Nullable BigDecimal spendLimit(String chain) {
		return this.spendGuard.limit(chain);
	}

	/** Whether fallbacks dearer than the chain's primary are stopped now. */
	public boolean spendLimited(String chain) {
		return this.spendGuard.isLimited(chain);
	}

	/**
	 * The chain's latest gate outcome, or {@code null} without the fallback-gate module.
	 */
	public @Nullable FallbackValidation validation(String chain) {
		return (this.validations != null) ? this.validations.of(chain) : null;
	}

	/**
	 * The chains that have a gate corpus; none without the fallback-gate module.
	 */
	public Set<String> chainsWithCorpus() {
		return (this.validations != null) ? this.validations.chainsWithCorpus() : Set.of();
	}

	/**
	 * Evaluates every alert against the signals now, which announces the ones that
	 * changed.
	 * @return the alerts, firing or not
	 */
	public List<Alert> evaluateAlerts() {
		return this.signals.evaluate();
	}

	/** The alerts as last evaluated, without evaluating them again. */
	public List<Alert> lastAlerts() {
		return this.signals.alerts();
	}

}
