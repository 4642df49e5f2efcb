package io.llmfallback.chain;

import java.util.function.Consumer;

import io.llmfallback.chain.internal.ChainBinding;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The client an {@code @LlmFallback} method calls: it sends each request through the
 * chain the method is bound to, so the method body stays provider-agnostic.
 */
public final class LlmClient {

	private final FallbackChains chains;

	public LlmClient(FallbackChains chains) {
		this.chains = chains;
	}

	/**
	 * Sends the request through the bound chain. The binding is read from the Reactor
	 * context at subscription (a reactive {@code @LlmFallback} method's), else from the
	 * thread that called this method (a blocking one's, see {@link ChainBinding#open()}).
	 */
	public Mono<ChainResponse> chat(ChatRequest request) {
		return send(request, null);
	}

	/**
	 * Sends the request through the bound chain and maps the served answer's JSON onto
	 * the type, typically a record (see {@link ResultMapping} for what maps). An answer
	 * that does not map is a contract violation of its provider and the chain moves on;
	 * when no provider's answer maps, the chain ends with
	 * {@link ChainExhaustedException}, which an {@code @LlmFallback} fallback method can
	 * turn into a degraded result.
	 */
	public <T> Mono<T> chat(ChatRequest request, Class<T> type) {
		return send(request, ResultMapping.to(type)).map((response) -> response.entity(type));
	}

	/**
	 * Sends the request and waits for the answer; for blocking code, never on an
	 * event-loop thread.
	 * @throws ChainFailureException when the chain ends without a response
	 */
	public ChainResponse call(ChatRequest request) {
		return await(chat(request));
	}

	/**
	 * Sends the request, waits for the answer and maps its JSON onto the type, as
	 * {@link #chat(ChatRequest, Class)} does; for blocking code, never on an event-loop
	 * thread.
	 * @throws ChainFailureException when the chain ends without an answer that maps
	 */
	public <T> T call(ChatRequest request, Class<T> type) {
		return await(chat(request, type));
	}

	/**
	 * Streams the answer through the bound chain, from an {@code @LlmFallback} method
	 * returning {@code Flux}. The chain falls over until the first chunk with text; a
	 * failure after it ends the stream with {@link ChainInterruptedException} (see
	 * {@link FallbackChain#stream}).
	 */
	public Flux<ChatChunk> stream(ChatRequest request) {
		return stream(request, (served) -> {
		});
	}

	/**
	 * Streams the answer through the bound chain, and hands the served answer (its
	 * attempts, usage and cost) to {@code onServed} after the last chunk, before the
	 * stream completes (see {@link FallbackChain#stream(ChatRequest, String, Consumer)}).
	 */
	public Flux<ChatChunk> stream(ChatRequest request, Consumer<ChainResponse> onServed) {
		ChainBinding atAssembly = ChainBinding.current();
		return Flux.deferContextual((context) -> {
			ChainBinding binding = bound(context, atAssembly);
			return this.chains.chain(binding.chain()).stream(request, binding.operation(), onServed);
		});
	}

	private Mono<ChainResponse> send(ChatRequest request, @Nullable ResultMapping<?> mapping) {
		ChainBinding atAssembly = ChainBinding.current();
		return Mono.deferContextual((context) -> {
			ChainBinding binding = bound(context, atAssembly);
			FallbackChain chain = this.chains.chain(binding.chain());
			return (mapping != null) ? chain.chat(request, binding.operation(), mapping)
					: chain.chat(request, binding.operation());
		});
	}

	/**
	 * The binding of the Reactor context, else the one of the thread that assembled the
	 * call.
	 * @throws IllegalStateException when there is none, which the deferring operator
	 * signals as an error
	 */
	private static ChainBinding bound(ContextView context, @Nullable ChainBinding atAssembly) {
		ChainBinding binding = context.getOrDefault(ChainBinding.CONTEXT_KEY, atAssembly);
		if (binding == null) {
			throw new IllegalStateException("No LLM fallback chain is bound to this call: call it from "
					+ "an @LlmFallback method, or use FallbackChains.chain(name) directly");
		}
		return binding;
	}

	private static <T> T await(Mono<T> answer) {
		T value = answer.block();
		if (value == null) {
			throw new IllegalStateException("The chain completed without a response");
		}
		return value;
	}

}
