package io.llmfallback.sample.traffic;

import java.math.BigDecimal;

/**
 * What a batch of {@code POST /simulator/traffic} came to.
 *
 * @param chain the chain the requests went through
 * @param requests how many requests were sent
 * @param served how many got an answer, from the primary or a fallback
 * @param fallbacks of those, how many a fallback provider answered
 * @param failed how many ended without an answer (every provider failed)
 * @param costUsd what the batch cost, failed billed attempts included
 * @param elapsedMs how long the batch took
 */
record TrafficSummary(String chain, int requests, int served, int fallbacks, int failed, BigDecimal costUsd,
		long elapsedMs) {

}
