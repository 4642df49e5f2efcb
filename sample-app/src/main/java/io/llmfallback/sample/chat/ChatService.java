package io.llmfallback.sample.chat;

import java.util.function.Consumer;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Sends a prompt down the chain named by the caller. The method body knows no provider:
 * the {@code @LlmFallback} aspect binds the chain named by the {@code chain} parameter to
 * the client's calls.
 */
// Not final: the @LlmFallback aspect proxies this class by subclassing it.
@Service
public class ChatService {

	/** The operation a streamed answer is counted under in meters and spans. */
	static final String STREAM_OPERATION = "stream";

	private final LlmClient client;

	public ChatService(LlmClient client) {
		this.client = client;
	}

	/**
	 * Answers a prompt through the chain of that name.
	 * @param chain the chain's name under {@code llm.fallback.chains}
	 * @param prompt the user's message
	 * @param maxTokens the cap on output tokens, or {@code null} for each provider's
	 * default
	 * @return the chain's response; fails with
	 * {@link io.llmfallback.chain.ChainFailureException} when no provider answered
	 */
	@LlmFallback(chain = "#chain")
	public Mono<ChainResponse> chat(String chain, String prompt, @Nullable Integer maxTokens) {
		return this.client.chat(ChatRequest.ofUser(prompt).withMaxTokens(maxTokens));
	}

	/**
	 * Streams the answer to a prompt through the chain of that name: the chain falls over
	 * until the first chunk with text, and a failure after it ends the stream with
	 * {@link io.llmfallback.chain.ChainInterruptedException} after the chunks already
	 * sent.
	 * @param chain the chain's name under {@code llm.fallback.chains}
	 * @param prompt the user's message
	 * @param maxTokens the cap on output tokens, or {@code null} for each provider's
	 * default
	 * @param onServed takes the served answer (attempts, usage, cost) after the last
	 * chunk
	 * @return the answer's chunks; fails with
	 * {@link io.llmfallback.chain.ChainFailureException}
	 */
	@LlmFallback(chain = "#chain", operation = STREAM_OPERATION)
	public Flux<ChatChunk> stream(String chain, String prompt, @Nullable Integer maxTokens,
			Consumer<ChainResponse> onServed) {
		return this.client.stream(ChatRequest.ofUser(prompt).withMaxTokens(maxTokens), onServed);
	}

}
