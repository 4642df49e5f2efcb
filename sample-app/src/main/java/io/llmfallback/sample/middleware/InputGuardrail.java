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
 * {@value #DEFAULT_BLOCKED_PHRASES}, case and spacing aside) ends with {@link PromptRejectedException}
 * before any provider is called. It runs at {@link Stage#REQUEST}: once per logical request, however many
 * providers the chain then tries. Every chain gets it, as every {@code ChainMiddleware} bean applies to
 * every chain. Set {@code sample.guardrail.blocked-phrases} to change the list.
 */
@Component
class InputGuardrail implements ChainMiddleware {

	static final String DEFAULT_BLOCKED_PHRASES = "ignore previous instructions";

	private final List<String> blockedPhrases;

	InputGuardrail(@Value("${sample.guardrail.blocked-phrases:" + DEFAULT_BLOCKED_PHRASES + "}") List<String> blockedPhrases) {
		this.blockedPhrases = blockedPhrases.stream().map(InputGuardrail::normalized).filter((p) -> !p.isEmpty()).toList();
	}

	@Override
	public Stage stage() {
		return Stage.REQUEST;
	}

	@Override
	public Mono<ChatRequest> onRequest(ChatRequest request) {
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
