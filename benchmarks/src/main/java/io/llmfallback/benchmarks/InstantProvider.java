package io.llmfallback.benchmarks;

import java.time.Duration;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import reactor.core.publisher.Mono;

/**
 * Answers every request at once, on the subscribing thread, with a fresh response as a
 * real provider would, so that an in-process benchmark measures the chain and not a
 * network.
 *
 * @param name the provider's configured name
 * @param answer the text of every answer
 */
record InstantProvider(String name, String answer) implements LlmProvider {

	private static final TokenUsage USAGE = new TokenUsage(52, 41);

	@Override
	public ProviderType type() {
		return ProviderType.OPENAI;
	}

	@Override
	public String model() {
		return ChainOverheadBenchmark.MODEL;
	}

	@Override
	public int maxTokens() {
		return ChainOverheadBenchmark.MAX_TOKENS;
	}

	@Override
	public Duration timeout() {
		return ChainInProcessBenchmark.ATTEMPT_TIMEOUT;
	}

	@Override
	public Mono<ChatResponse> chat(ChatRequest request) {
		return Mono.fromSupplier(() -> new ChatResponse(this.answer, "stop", USAGE, this.name,
				ChainOverheadBenchmark.MODEL, Duration.ZERO));
	}

}
