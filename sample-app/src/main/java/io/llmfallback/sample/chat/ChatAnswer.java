package io.llmfallback.sample.chat;

import java.math.BigDecimal;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.model.ChatResponse;

/**
 * The body of a successful {@code POST /chat/{chain}}.
 *
 * @param text the answer
 * @param provider the configured name of the provider that answered
 * @param model the model that answered
 * @param fallback whether a provider other than the chain's primary answered
 * @param attempts how many providers the chain went through, the answering one included
 * @param inputTokens prompt tokens the provider billed
 * @param outputTokens completion tokens the provider billed
 * @param costUsd what the answer cost, from the provider's configured pricing
 */
record ChatAnswer(String text, String provider, String model, boolean fallback, int attempts, long inputTokens,
		long outputTokens, BigDecimal costUsd) {

	static ChatAnswer of(ChainResponse chained) {
		ChatResponse response = chained.response();
		return new ChatAnswer(response.text(), response.provider(), response.model(), chained.isFallback(),
				chained.attempts().size(), response.usage().inputTokens(), response.usage().outputTokens(),
				chained.costUsd());
	}

}
