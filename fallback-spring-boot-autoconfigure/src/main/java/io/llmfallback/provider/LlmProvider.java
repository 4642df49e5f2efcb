package io.llmfallback.provider;

import java.time.Duration;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import reactor.core.publisher.Mono;

/**
 * One configured LLM endpoint. Implementations fail with {@link ProviderException} only, so that a chain
 * can decide on the failure's category whether to move on.
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

	/** The ceiling on one call; a chain shortens it to what is left of its latency budget. */
	Duration timeout();

	/**
	 * Sends one chat request. The returned {@code Mono} is lazy and does not time out on its own: the
	 * caller bounds it.
	 */
	Mono<ChatResponse> chat(ChatRequest request);

}
