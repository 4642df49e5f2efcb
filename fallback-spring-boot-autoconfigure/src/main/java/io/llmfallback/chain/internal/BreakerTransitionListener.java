package io.llmfallback.chain.internal;

/** Told of every state transition of a provider's circuit breaker. */
@FunctionalInterface
public interface BreakerTransitionListener {

	void onTransition(BreakerTransition transition);

}
