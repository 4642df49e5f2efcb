package io.llmfallback.chain.internal;

import java.time.Instant;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A provider's circuit breaker changed state. Published as a Spring application event by
 * the starter, so that an {@code @EventListener} can page someone when a breaker opens.
 *
 * @param provider the provider's configured name
 * @param from the state before
 * @param to the state after
 * @param at when it happened
 */
public record BreakerTransition(String provider, CircuitBreaker.State from, CircuitBreaker.State to, Instant at) {

}
