package io.llmfallback.springai;

import java.util.concurrent.atomic.AtomicReference;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.springai.internal.ChainChatOptions;
import io.llmfallback.springai.internal.ChainPrompts;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A fallback chain as a Spring AI {@link ChatModel}: {@code ChatClient.create(model)}
 * sends every prompt down the whole chain, with Spring AI's tool calling, advisors and
 * structured output on top.
 * <p>
 * Like Spring AI 2.0's own models it answers a prompt with tools with the tool calls the
 * model asked for, and does not run them: {@code ChatClient}'s tool-calling advisor runs
 * them and sends the results back, down the chain again. Each turn is one logical request
 * of the chain, served by whichever provider is up.
 * <p>
 * The response metadata says how the chain served the answer, under the keys of this
 * class; a stream carries them on its last response.
 */
public final class FallbackChainChatModel implements ChatModel {

	/** The chain's name ({@code String}). */
	public static final String CHAIN = "llm.fallback.chain";

	/** The provider that served the answer ({@code String}). */
	public static final String PROVIDER = "llm.fallback.provider";

	/** {@code primary} or {@code fallback} ({@code String}). */
	public static final String PATH = "llm.fallback.path";

	/**
	 * Every attempt of the request, in order, failed ones included
	 * ({@code List<AttemptRecord>}).
	 */
	public static final String ATTEMPTS = "llm.fallback.attempts";

	/**
	 * What the request cost across all its attempts, in US dollars ({@code BigDecimal}).
	 */
	public static final String COST_USD = "llm.fallback.cost_usd";

	/** The operation the chain's meters and spans count these requests under. */
	public static final String OPERATION = "spring-ai";

	private final FallbackChain chain;

	public FallbackChainChatModel(FallbackChain chain) {
		this.chain = chain;
	}

	/** The chain this model sends its prompts down. */
	public FallbackChain getChain() {
		return this.chain;
	}

	/**
	 * Sends the prompt down the chain and waits for the answer; like every blocking
	 * {@link ChatModel#call} it must not run on an event-loop thread, where
	 * {@link #stream(Prompt)} serves.
	 */
	@Override
	public ChatResponse call(Prompt prompt) {
		ChainResponse served = this.chain.chat(ChainPrompts.toRequest(prompt), OPERATION).block();
		if (served == null) {
			throw new IllegalStateException("Chain '" + this.chain.name() + "' completed without an answer");
		}
		return ChainPrompts.toResponse(served);
	}

	/**
	 * Streams the answer down the chain. Each response is sent when the next chunk
	 * arrives, so that the last one, which carries the tool calls, can carry the chain's
	 * metadata too.
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			AtomicReference<ChainResponse> served = new AtomicReference<>();
			return this.chain.stream(ChainPrompts.toRequest(prompt), OPERATION, served::set)
				.buffer(2, 1)
				.map((pair) -> ChainPrompts.toResponse(pair.get(0), (pair.size() == 1) ? served.get() : null));
		});
	}

	/**
	 * Options naming no model, for tools and structured output: {@code ChatClient} hands
	 * a model the tools of a prompt only when its options are
	 * {@link ToolCallingChatOptions}, and the schema of native structured output
	 * ({@code AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT}) only when they are
	 * {@link StructuredOutputChatOptions}. Each provider of the chain sends its own
	 * configured model unless a prompt names one.
	 */
	@Override
	public ChatOptions getOptions() {
		return ChainChatOptions.builder().build();
	}

	@Override
	public String toString() {
		return "FallbackChainChatModel[" + this.chain.name() + "]";
	}

}
