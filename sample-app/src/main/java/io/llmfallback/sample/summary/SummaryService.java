package io.llmfallback.sample.summary;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Summarizes documents through the {@code summarize} chain. When the chain ends without a
 * response, {@link #summaryUnavailable} answers instead, so callers always get a
 * {@link Summary}.
 */
// Not final: the @LlmFallback aspect proxies this class by subclassing it.
@Service
public class SummaryService {

	static final String INSTRUCTION = "Summarize the user's document in at most three sentences.";

	// Summaries are short; a cap keeps a verbose model from running up the bill.
	static final int MAX_TOKENS = 200;

	private static final Log logger = LogFactory.getLog(SummaryService.class);

	private final LlmClient client;

	public SummaryService(LlmClient client) {
		this.client = client;
	}

	@LlmFallback(chain = "summarize", fallbackMethod = "summaryUnavailable")
	public Mono<Summary> summarize(String document) {
		ChatRequest request = ChatRequest.ofUser(document).withSystem(INSTRUCTION).withMaxTokens(MAX_TOKENS);
		return this.client.chat(request)
			.map((chained) -> new Summary(chained.text().strip(), chained.response().provider(), false));
	}

	/**
	 * Called by the {@code @LlmFallback} aspect when the chain is exhausted or aborted.
	 */
	Mono<Summary> summaryUnavailable(String document, ChainFailureException failure) {
		logger.warn("Serving a degraded summary: " + failure.getMessage());
		return Mono.just(Summary.UNAVAILABLE);
	}

}
