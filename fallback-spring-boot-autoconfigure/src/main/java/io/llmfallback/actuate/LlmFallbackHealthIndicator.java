package io.llmfallback.actuate;

import java.util.ArrayList;
import java.util.List;

import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.provider.LlmProvider;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code llmFallback} health: DOWN only when some chain has no provider whose breaker lets calls through,
 * since one callable provider is enough to serve. Details name the open breakers.
 */
public class LlmFallbackHealthIndicator extends AbstractHealthIndicator {

	private final FallbackChains chains;

	private final ProviderCircuitBreakers breakers;

	public LlmFallbackHealthIndicator(FallbackChains chains, ProviderCircuitBreakers breakers) {
		super("LLM fallback health check failed");
		this.chains = chains;
		this.breakers = breakers;
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
		builder.status(chainsWithoutProvider.isEmpty() ? org.springframework.boot.health.contributor.Status.UP
				: org.springframework.boot.health.contributor.Status.DOWN);
		builder.withDetail("openBreakers", openBreakers);
		if (!chainsWithoutProvider.isEmpty()) {
			builder.withDetail("chainsWithoutCallableProvider", chainsWithoutProvider);
		}
	}

}
