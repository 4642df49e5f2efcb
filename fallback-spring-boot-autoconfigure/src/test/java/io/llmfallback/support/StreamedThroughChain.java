package io.llmfallback.support;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;

/**
 * A request streamed down a chain to its end: the text the caller read, and how the chain
 * served it.
 *
 * @param text every chunk's text, joined
 * @param served the served answer, with its attempts
 */
public record StreamedThroughChain(String text, ChainResponse served) {

	public static StreamedThroughChain stream(FallbackChain chain, ChatRequest request) {
		AtomicReference<ChainResponse> served = new AtomicReference<>();
		List<String> texts = chain.stream(request, "chat", served::set).map(ChatChunk::text).collectList().block();
		return new StreamedThroughChain(String.join("", texts), served.get());
	}

}
