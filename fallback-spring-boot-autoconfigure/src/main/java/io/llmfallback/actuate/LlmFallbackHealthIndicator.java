package io.llmfallback.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.validation.internal.FallbackValidation;
import io.llmfallback.validation.internal.FallbackValidations;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code llmFallback} health: DOWN only when some chain has no provider whose breaker
 * lets calls through, since one callable provider is enough to serve. Details name the
 * open breakers, the firing alerts, and the chains with a gate corpus whose fallbacks no
 * compatibility gate has passed: a chain without a corpus has no gate to pass, so listing
 * it would be noise that never clears. Without the fallback-gate module there are no gate
 * details.
 */
public class LlmFallbackHealthIndicator extends AbstractHealthIndicator {

	private final FallbackChains chains;

	private final ProviderCircuitBreakers breakers;

	private final FallbackSignals signals;

	private final @Nullable FallbackValidations validations;

	/**
	 * @param chains the chains whose providers must be callable
	 * @param breakers the providers' breakers
	 * @param signals the alerts
	 * @param validations each chain's gate corpus and outcome, or {@code null} without
	 * the fallback-gate module
	 */
	public LlmFallbackHealthIndicator(FallbackChains chains, ProviderCircuitBreakers breakers, FallbackSignals signals,
			@Nullable FallbackValidations validations) {
		super("LLM fallback health check failed");
		this.chains = chains;
		this.breakers = breakers;
		this.signals = signals;
		this.validations = validations;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> openBreakers = new ArrayList<>();
		List<String> chainsWithoutProvider = new ArrayList<>();
		Map<String, FallbackValidation.Status> notPassed = new TreeMap<>();
		for (FallbackChain chain : this.chains.all()) {
			if (this.validations != null && this.validations.chainsWithCorpus().contains(chain.name())
					&& chain.providers().size() > 1) {
				FallbackValidation.Status validation = this.validations.of(chain.name()).status();
				if (validation != FallbackValidation.Status.PASSED) {
					notPassed.put(chain.name(), validation);
				}
			}
			boolean anyCallable = false;
			for (LlmProvider provider : chain.providers()) {
				if (this.breakers.isCallPermitted(provider.name())) {
					anyCallable = true;
				}
				else if (!openBreakers.contains(provider.name())) {
					openBreakers.add(provider.name());
				}
			}
			if (!anyCallable) {
				chainsWithoutProvider.add(chain.name());
			}
		}
		builder.status(chainsWithoutProvider.isEmpty() ? Status.UP : Status.DOWN);
		builder.withDetail("openBreakers", openBreakers);
		// Firing alerts are details, not DOWN: a chain whose fallback serves is degraded,
		// not unavailable.
		builder.withDetail("firingAlerts", this.signals.alerts().stream().filter(Alert::firing).toList());
		if (this.validations != null && !this.validations.chainsWithCorpus().isEmpty()) {
			// Details too: an unvalidated fallback still serves, but nobody has checked
			// what it serves.
			builder.withDetail("fallbacksNotPassingGate", notPassed);
		}
		if (!chainsWithoutProvider.isEmpty()) {
			builder.withDetail("chainsWithoutCallableProvider", chainsWithoutProvider);
		}
	}

}
