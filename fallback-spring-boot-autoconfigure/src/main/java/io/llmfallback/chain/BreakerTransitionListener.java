package io.llmfallback.chain;

/** Told of every state transition of a provider's circuit breaker. */
@FunctionalInterface
public interface BreakerTransitionListener {

	void onTransition(BreakerTransition transition);

}
