package io.llmfallback.sample.middleware;

import java.util.List;
import java.util.Locale;

import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * An input guardrail: a request whose user messages contain a blocked phrase (by default
 * {@value #DEFAULT_BLOCKED_PHRASES}, case and spacing aside) ends with
 * {@link PromptRejectedException} before any provider is called. It runs at
 * {@link Stage#REQUEST}: once per logical request, however many providers the chain then
 * tries. Every chain gets it, as every {@code ChainMiddleware} bean applies to every
 * chain. Set {@code sample.guardrail.blocked-phrases} to change the list.
 * <p>
 * It also refuses a request whose messages hold more than
 * {@code sample.guardrail.max-prompt-chars} characters (default
 * {@value #DEFAULT_MAX_PROMPT_CHARS}) before reading them: every later step (this check,
 * the redaction before each attempt, the provider's bill) grows with the prompt, and a
 * caller chooses its size.
 */
@Component
class InputGuardrail implements ChainMiddleware {

	static final String DEFAULT_BLOCKED_PHRASES = "ignore previous instructions";

	static final int DEFAULT_MAX_PROMPT_CHARS = 32_000;

	private final List<String> blockedPhrases;

	private final int maxPromptChars;

	InputGuardrail(
			@Value("${sample.guardrail.blocked-phrases:" + DEFAULT_BLOCKED_PHRASES + "}") List<String> blockedPhrases,
			@Value("${sample.guardrail.max-prompt-chars:" + DEFAULT_MAX_PROMPT_CHARS + "}") int maxPromptChars) {
		this.blockedPhrases = blockedPhrases.stream()
			.map(InputGuardrail::normalized)
			.filter((p) -> !p.isEmpty())
			.toList();
		this.maxPromptChars = maxPromptChars;
	}

	@Override
	public Stage stage() {
		return Stage.REQUEST;
	}

	@Override
	public Mono<ChatRequest> onRequest(ChatRequest request) {
		long promptChars = request.messages().stream().mapToLong((message) -> message.content().length()).sum();
		if (promptChars > this.maxPromptChars) {
			return Mono.error(new PromptRejectedException("Prompt rejected by the input guardrail: " + promptChars
					+ " characters, more than the " + this.maxPromptChars + " allowed"));
		}
		for (ChatMessage message : request.messages()) {
			if (message.role() != ChatRole.USER) {
				continue;
			}
			String text = normalized(message.content());
			for (String phrase : this.blockedPhrases) {
				if (text.contains(phrase)) {
					return Mono.error(new PromptRejectedException(
							"Prompt rejected by the input guardrail: it contains the blocked phrase '" + phrase + "'"));
				}
			}
		}
		return Mono.just(request);
	}

	private static String normalized(String text) {
		return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
	}

}
