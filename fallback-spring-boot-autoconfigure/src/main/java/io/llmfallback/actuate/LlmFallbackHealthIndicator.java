package io.llmfallback.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.llmfallback.actuate.internal.LlmFallbackStatus;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.observe.Alert;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.validation.internal.FallbackValidation;

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

	private final LlmFallbackStatus status;

	/**
	 * @param status the chains, their providers' breakers, the alerts, and the gate
	 * outcomes when the fallback-gate module is present
	 */
	public LlmFallbackHealthIndicator(LlmFallbackStatus status) {
		super("LLM fallback health check failed");
		this.status = status;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> openBreakers = new ArrayList<>();
		List<String> chainsWithoutProvider = new ArrayList<>();
		Map<String, FallbackValidation.Status> notPassed = new TreeMap<>();
		Set<String> chainsWithCorpus = this.status.chainsWithCorpus();
		for (FallbackChain chain : this.status.chains()) {
			FallbackValidation validation = (chainsWithCorpus.contains(chain.name()) && chain.providers().size() > 1)
					? this.status.validation(chain.name()) : null;
			if (validation != null && validation.status() != FallbackValidation.Status.PASSED) {
				notPassed.put(chain.name(), validation.status());
			}
			boolean anyCallable = false;
			for (LlmProvider provider : chain.providers()) {
				if (this.status.callPermitted(provider.name())) {
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
		builder.withDetail("firingAlerts", this.status.lastAlerts().stream().filter(Alert::firing).toList());
		if (!chainsWithCorpus.isEmpty()) {
			// Details too: an unvalidated fallback still serves, but nobody has checked
			// what it serves.
			builder.withDetail("fallbacksNotPassingGate", notPassed);
		}
		if (!chainsWithoutProvider.isEmpty()) {
			builder.withDetail("chainsWithoutCallableProvider", chainsWithoutProvider);
		}
	}

}
