package io.llmfallback.sample.traffic;

import io.llmfallback.test.TrafficPrompts;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /simulator/traffic}; every field is optional.
 *
 * @param chain the chain to send the requests through; {@code default} when absent
 * @param requests how many requests to send, 1 to
 * {@value TrafficController#MAX_REQUESTS}; 100 when absent
 * @param concurrency how many to have in flight at once, 1 to
 * {@value TrafficController#MAX_CONCURRENCY}; 8 when absent
 * @param prompt the prompt of every request; when absent, the requests take turns through
 * {@link TrafficPrompts#ALL}
 */
record TrafficOrder(@Nullable String chain, @Nullable Integer requests, @Nullable Integer concurrency,
		@Nullable String prompt) {

	static final TrafficOrder DEFAULTS = new TrafficOrder(null, null, null, null);

}
