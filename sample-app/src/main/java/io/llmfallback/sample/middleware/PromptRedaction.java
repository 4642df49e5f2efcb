package io.llmfallback.sample.middleware;

import java.util.List;

import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Replaces e-mail addresses in every message with {@value #REPLACEMENT} before the
 * request leaves for a provider. It runs at {@link Stage#ATTEMPT}, before every provider
 * attempt, as a redaction step written into a provider-call pipeline does: a request that
 * falls over to the second provider is redacted twice. That duplicated work is what the
 * sixth fallback signal ({@code middleware-overhead}) measures; the same redaction at
 * {@link Stage#REQUEST} would run once and cost a fallback nothing extra. It runs on the
 * event loop, so it finds addresses in one linear pass ({@link EmailAddresses}), never
 * with a regular expression that a long prompt without spaces makes quadratic.
 */
@Component
class PromptRedaction implements ChainMiddleware {

	static final String REPLACEMENT = "[email]";

	@Override
	public Stage stage() {
		return Stage.ATTEMPT;
	}

	@Override
	public Mono<ChatRequest> onRequest(ChatRequest request) {
		List<ChatMessage> redacted = request.messages().stream().map(PromptRedaction::redacted).toList();
		if (redacted.equals(request.messages())) {
			return Mono.just(request);
		}
		return Mono.just(new ChatRequest(redacted, request.model(), request.maxTokens(), request.temperature(),
				request.responseFormat()));
	}

	private static ChatMessage redacted(ChatMessage message) {
		String content = EmailAddresses.replaceAll(message.content(), REPLACEMENT);
		return (content == message.content()) ? message : new ChatMessage(message.role(), content);
	}

}
