package io.llmfallback.chain;

import java.util.List;
import java.util.function.Consumer;

import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A named, ordered list of providers that one logical request runs down: the primary
 * first, each fallback when the one before it fails in a way the chain falls over on,
 * with breakers, budgets, the output contract and middleware applied on the way. The
 * auto-configuration builds one per {@code llm.fallback.chains.<name>} and registers them
 * in {@link FallbackChains}; {@link LlmClient} and {@code @LlmFallback} methods reach
 * them by name. Every request ends in a {@link ChainResponse} or a
 * {@link ChainFailureException}, never a hang.
 */
public interface FallbackChain {

	/** The chain's name, as configured. */
	String name();

	/** The chain's configuration: its providers in order, budgets, contract. */
	ChainSettings settings();

	/** The providers, primary first. */
	List<LlmProvider> providers();

	/** Sends the request with the chain's name as the operation. */
	Mono<ChainResponse> chat(ChatRequest request);

	/**
	 * Sends the request down the chain. The result is lazy; each subscription is a new
	 * logical request with its own deadline.
	 */
	Mono<ChainResponse> chat(ChatRequest request, String operation);

	/**
	 * Sends the request down the chain and maps the served answer's JSON onto a type,
	 * available from {@link ChainResponse#entity(Class)}. An answer that does not map is
	 * a contract violation of the provider that wrote it, so the chain moves on to the
	 * next provider whatever {@code on-violation} says: there is nothing to serve.
	 */
	Mono<ChainResponse> chat(ChatRequest request, String operation, ResultMapping<?> mapping);

	/**
	 * Streams the answer down the chain. Until the first chunk with text reaches the
	 * caller, a failure falls over as in {@link #chat}: a provider that fails, answers
	 * late (its {@code time-to-first-chunk}, from the attempt's own start) or sends an
	 * error event inside its 200 is replaced by the next. From the first chunk on the
	 * caller holds that provider's text, so a failure (an error event, a stall past
	 * {@code stall-timeout}, a stream that ends without its terminator) ends the stream
	 * with {@link ChainInterruptedException} after the chunks already sent: a cut answer
	 * never passes for a whole one. The chain's {@link StreamRecovery} may instead
	 * continue the answer on a provider that accepts a prefill, or hold each attempt's
	 * chunks until it ends for callers that read the stream whole. Cancelling the stream
	 * cancels the provider's request. The outcome is counted like a unary request's, with
	 * the assembled answer checked against the output contract and flagged, never
	 * replaced, when it breaks it.
	 */
	Flux<ChatChunk> stream(ChatRequest request, String operation);

	/**
	 * Streams the answer down the chain, as {@link #stream(ChatRequest, String)}, and
	 * hands the served answer (the whole text, its attempts, usage and cost) to
	 * {@code onServed} once the last chunk has been sent, before the stream completes:
	 * for a caller that reports on the answer after its chunks, such as a final usage
	 * event. It is not called when the stream fails or is cancelled.
	 */
	Flux<ChatChunk> stream(ChatRequest request, String operation, Consumer<ChainResponse> onServed);

}
