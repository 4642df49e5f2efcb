package io.llmfallback.sample.middleware;

import java.util.List;
import java.util.regex.Pattern;

import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Replaces e-mail addresses in every message with {@value #REPLACEMENT} before the request leaves for a
 * provider. It runs at {@link Stage#ATTEMPT}, before every provider attempt, as a redaction step written into
 * a provider-call pipeline does: a request that falls over to the second provider is redacted twice. That
 * duplicated work is what the sixth fallback signal ({@code middleware-overhead}) measures; the same
 * redaction at {@link Stage#REQUEST} would run once and cost a fallback nothing extra.
 */
@Component
class PromptRedaction implements ChainMiddleware {

	static final String REPLACEMENT = "[email]";

	private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

	@Override
	public Stage stage() {
		return Stage.ATTEMPT;
	}

	@Override
	public Mono<ChatRequest> onRequest(ChatRequest request) {
		if (request.messages().stream().noneMatch((message) -> EMAIL.matcher(message.content()).find())) {
			return Mono.just(request);
		}
		List<ChatMessage> redacted = request.messages()
			.stream()
			.map((message) -> new ChatMessage(message.role(), EMAIL.matcher(message.content()).replaceAll(REPLACEMENT)))
			.toList();
		return Mono.just(new ChatRequest(redacted, request.model(), request.maxTokens(), request.temperature(),
				request.responseFormat()));
	}

}
