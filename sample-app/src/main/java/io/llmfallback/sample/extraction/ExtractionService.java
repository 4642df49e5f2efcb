package io.llmfallback.sample.extraction;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Extracts support tickets into {@link Ticket} records through the {@code extract} chain.
 * The answer's JSON is mapped inside the chain, so a provider whose answer lacks a field
 * is a contract violation the chain falls over on; when no provider's answer maps,
 * {@link #unextracted} queues the ticket as it is.
 */
// Not final: the @LlmFallback aspect proxies this class by subclassing it.
@Service
public class ExtractionService {

	/**
	 * The instruction of the gate corpus's lines, so that the gate judges what production
	 * sends.
	 */
	static final String INSTRUCTION = "Extract the support ticket below as a JSON object: a short title, a summary, "
			+ "the customer's sentiment and up to three keywords.";

	private static final Log logger = LogFactory.getLog(ExtractionService.class);

	private final LlmClient client;

	public ExtractionService(LlmClient client) {
		this.client = client;
	}

	@LlmFallback(chain = "extract", fallbackMethod = "unextracted")
	public Mono<Extraction> extract(String ticket) {
		ChatRequest request = ChatRequest.ofUser(ticket)
			.withSystem(INSTRUCTION)
			.withResponseFormat(ResponseFormat.JSON);
		return this.client.chat(request, Ticket.class).map((extracted) -> new Extraction(extracted, false));
	}

	/**
	 * Called by the {@code @LlmFallback} aspect when no provider's answer met the
	 * contract.
	 */
	Mono<Extraction> unextracted(String ticket, ChainFailureException failure) {
		logger.warn("Queueing an unextracted ticket: " + failure.getMessage());
		return Mono.just(Extraction.unextracted(ticket));
	}

}
