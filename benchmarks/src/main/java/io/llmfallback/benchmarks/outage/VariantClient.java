package io.llmfallback.benchmarks.outage;

import io.llmfallback.model.ChatRequest;
import reactor.core.publisher.Mono;

/** A way of sending a logical request to a primary and, when it fails, a fallback. */
interface VariantClient extends AutoCloseable {

	/**
	 * Sends the request. The answer says who served it, or that it failed with the
	 * client's typed error; any other error signal is a fault of the client, reported as
	 * such.
	 */
	Mono<Answer> send(ChatRequest request);

	@Override
	void close();

}
