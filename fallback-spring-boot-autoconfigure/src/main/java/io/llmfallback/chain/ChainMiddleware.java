package io.llmfallback.chain;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import reactor.core.publisher.Mono;

/**
 * Work a chain does around its provider calls: input guardrails, cache look-ups, output
 * redaction. Its {@link #stage()} says how often it runs, and every run is counted per
 * path, so the operator can see what a fallback costs in middleware (the
 * middleware-overhead signal).
 * <p>
 * An error from middleware ends the logical request with that error.
 */
public interface ChainMiddleware {

	/** How often middleware runs for one logical request. */
	enum Stage {

		/** Once, before the first attempt, whatever the number of attempts. */
		REQUEST,

		/** Before every provider attempt: re-runs on each fallback. */
		ATTEMPT,

		/** Once, on the response that is served. */
		RESPONSE

	}

	Stage stage();

	/**
	 * For {@link Stage#REQUEST} and {@link Stage#ATTEMPT}: inspect or rewrite the
	 * request.
	 */
	default Mono<ChatRequest> onRequest(ChatRequest request) {
		return Mono.just(request);
	}

	/** For {@link Stage#RESPONSE}: inspect or rewrite the served response. */
	default Mono<ChatResponse> onResponse(ChatResponse response) {
		return Mono.just(response);
	}

}
