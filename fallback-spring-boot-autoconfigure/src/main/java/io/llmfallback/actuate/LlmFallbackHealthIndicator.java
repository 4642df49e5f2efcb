package io.llmfallback.actuate;

import java.util.ArrayList;
import java.util.List;

import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.FallbackSignals;
import io.llmfallback.provider.LlmProvider;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code llmFallback} health: DOWN only when some chain has no provider whose breaker lets calls through,
 * since one callable provider is enough to serve. Details name the open breakers and the firing alerts.
 */
public class LlmFallbackHealthIndicator extends AbstractHealthIndicator {

	private final FallbackChains chains;

	private final ProviderCircuitBreakers breakers;

	private final FallbackSignals signals;

	public LlmFallbackHealthIndicator(FallbackChains chains, ProviderCircuitBreakers breakers,
			FallbackSignals signals) {
		super("LLM fallback health check failed");
		this.chains = chains;
		this.breakers = breakers;
		this.signals = signals;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> openBreakers = new ArrayList<>();
		List<String> chainsWithoutProvider = new ArrayList<>();
		for (FallbackChain chain : this.chains.all()) {
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
		// Firing alerts are details, not DOWN: a chain whose fallback serves is degraded, not unavailable.
		builder.withDetail("firingAlerts", this.signals.alerts().stream().filter(Alert::firing).toList());
		if (!chainsWithoutProvider.isEmpty()) {
			builder.withDetail("chainsWithoutCallableProvider", chainsWithoutProvider);
		}
	}

}
