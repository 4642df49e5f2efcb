package io.llmfallback.chain;

import io.llmfallback.model.ChatRequest;
import reactor.core.publisher.Mono;

/**
 * The client an {@code @LlmFallback} method calls: it sends each request through the chain the method is
 * bound to, so the method body stays provider-agnostic.
 */
public final class LlmClient {

	private final FallbackChains chains;

	public LlmClient(FallbackChains chains) {
		this.chains = chains;
	}

	/**
	 * Sends the request through the bound chain. The binding is read from the Reactor context at
	 * subscription, else from the thread that called this method.
	 */
	public Mono<ChainResponse> chat(ChatRequest request) {
		ChainBinding atAssembly = ChainBinding.current();
		return Mono.deferContextual((context) -> {
			ChainBinding binding = context.getOrDefault(ChainBinding.CONTEXT_KEY, atAssembly);
			if (binding == null) {
				return Mono.error(new IllegalStateException("No LLM fallback chain is bound to this call: call it from "
						+ "an @LlmFallback method, or use FallbackChains.chain(name) directly"));
			}
			return this.chains.chain(binding.chain()).chat(request, binding.operation());
		});
	}

	/**
	 * Sends the request and waits for the answer; for blocking code, never on an event-loop thread.
	 * @throws ChainFailureException when the chain ends without a response
	 */
	public ChainResponse call(ChatRequest request) {
		ChainResponse response = chat(request).block();
		if (response == null) {
			throw new IllegalStateException("The chain completed without a response");
		}
		return response;
	}

}
