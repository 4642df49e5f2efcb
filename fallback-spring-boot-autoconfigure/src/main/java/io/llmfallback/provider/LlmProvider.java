package io.llmfallback.provider;

import java.time.Duration;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One configured LLM endpoint. Implementations fail with {@link ProviderException} only,
 * so that a chain can decide on the failure's category whether to move on.
 */
public interface LlmProvider {

	/** The name this provider is configured under, e.g. {@code gpt}. */
	String name();

	/** The wire protocol, e.g. {@code openai}. */
	ProviderType type();

	/** The model sent when a request names none. */
	String model();

	/** The output-token cap sent when a request names none. */
	int maxTokens();

	/**
	 * The ceiling on one call; a chain shortens it to what is left of its latency budget.
	 */
	Duration timeout();

	/**
	 * What the provider's model takes; a chain skips the provider for a request that
	 * needs more. By default {@link ProviderCapabilities#UNRESTRICTED}: a provider that
	 * does not say is sent every request, as it was before it could say, rather than
	 * skipped on a guess; one that knows better overrides this.
	 */
	default ProviderCapabilities capabilities() {
		return ProviderCapabilities.UNRESTRICTED;
	}

	/**
	 * Sends one chat request. The returned {@code Mono} is lazy and does not time out on
	 * its own: the caller bounds it.
	 */
	Mono<ChatResponse> chat(ChatRequest request);

	/**
	 * Sends one chat request with streaming on, and emits the answer as it comes. The
	 * {@code Flux} is lazy, does not time out on its own, and cancelling it cancels the
	 * request upstream. It completes only after the provider's own end of stream
	 * ({@code data: [DONE]}, {@code message_stop}, Gemini's final chunk with a finish
	 * reason); a stream that ends before it, an error event inside a 200 response, a
	 * malformed event or a stream without content fails with a {@link ProviderException}
	 * of the matching category.
	 */
	default Flux<ChatChunk> stream(ChatRequest request) {
		return Flux.error(new ProviderException(name(), FailureCategory.BAD_REQUEST, null, null,
				"provider type " + type().wireName() + " does not stream", null));
	}

	/**
	 * Whether the provider continues a conversation whose last message is the assistant's
	 * own unfinished answer (a prefill), writing on from where it stops rather than
	 * answering it. Anthropic's Messages API documents this; OpenAI's chat completions
	 * and Gemini answer a trailing assistant message as a new turn.
	 */
	default boolean acceptsPrefill() {
		return type() == ProviderType.ANTHROPIC;
	}

}
