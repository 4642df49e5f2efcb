package io.llmfallback.sample.chat;

import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /chat/{chain}} with {@code {"prompt": "...", "maxTokens": 512}}: 200 with the answer and how
 * the chain got it, 503 when every provider failed (see {@code ApiErrorHandler}), 404 for an unknown chain.
 */
@RestController
final class ChatController {

	private final ChatService chat;

	private final FallbackChains chains;

	ChatController(ChatService chat, FallbackChains chains) {
		this.chat = chat;
		this.chains = chains;
	}

	@PostMapping("/chat/{chain}")
	Mono<ChatAnswer> chat(@PathVariable String chain, @RequestBody ChatPrompt body) {
		// Checked here, as the chain only looks its name up once subscribed, and a typo is the caller's fault.
		if (!this.chains.contains(chain)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No chain named '" + chain + "'; configured chains: "
							+ this.chains.all().stream().map(FallbackChain::name).toList());
		}
		String prompt = body.prompt();
		if (prompt == null || prompt.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "prompt must not be empty");
		}
		Integer maxTokens = body.maxTokens();
		if (maxTokens != null && maxTokens < 1) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "maxTokens must be at least 1");
		}
		return this.chat.chat(chain, prompt, maxTokens).map(ChatAnswer::of);
	}

}
