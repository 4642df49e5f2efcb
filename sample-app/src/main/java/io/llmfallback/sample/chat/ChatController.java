package io.llmfallback.sample.chat;

import java.util.concurrent.atomic.AtomicReference;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.sample.middleware.PromptRejectedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /chat/{chain}} with {@code {"prompt": "...", "maxTokens": 512}}: 200 with
 * the answer and how the chain got it, 503 when every provider failed (see
 * {@code ApiErrorHandler}), 404 for an unknown chain. {@code POST /chat/{chain}/stream}
 * takes the same body and answers with server-sent events (see {@link ChatEvents}); a
 * request it rejects before streaming gets the same 4xx.
 */
@RestController
final class ChatController {

	private static final Log logger = LogFactory.getLog(ChatController.class);

	private final ChatService chat;

	private final FallbackChains chains;

	ChatController(ChatService chat, FallbackChains chains) {
		this.chat = chat;
		this.chains = chains;
	}

	@PostMapping("/chat/{chain}")
	Mono<ChatAnswer> chat(@PathVariable String chain, @RequestBody ChatPrompt body) {
		return this.chat.chat(chain, prompt(chain, body), body.maxTokens()).map(ChatAnswer::of);
	}

	/**
	 * A {@code chunk} event per piece of text as the chain streams it, then {@code done};
	 * or, when the chain fails, {@code error} (after the chunks already sent, if any).
	 * Closing the connection cancels the provider's request.
	 */
	@PostMapping(path = "/chat/{chain}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Object>> stream(@PathVariable String chain, @RequestBody ChatPrompt body) {
		String prompt = prompt(chain, body);
		return Flux.defer(() -> {
			AtomicReference<@Nullable ChainResponse> outcome = new AtomicReference<>();
			return this.chat.stream(chain, prompt, body.maxTokens(), outcome::set)
				.filter(ChatChunk::hasText)
				.map((chunk) -> event("chunk", new ChatEvents.Chunk(chunk.text())))
				.concatWith(Mono.defer(() -> {
					ChainResponse served = outcome.get();
					return (served != null) ? Mono.just(event("done", ChatEvents.Done.of(served)))
							: Mono.error(new IllegalStateException(
									"The stream of chain '" + chain + "' completed without its served answer"));
				}))
				// A refused prompt fails before the first event, so it still gets its 400
				// (see ApiErrorHandler).
				.onErrorResume((ex) -> !(ex instanceof PromptRejectedException),
						(ex) -> Mono.just(event("error", failed(chain, ex))));
		});
	}

	/**
	 * The prompt of a request to that chain; a typo in the chain's name or an empty
	 * prompt is the caller's fault.
	 */
	private String prompt(String chain, ChatPrompt body) {
		// Checked here, as the chain only looks its name up once subscribed.
		if (!this.chains.contains(chain)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No chain named '" + chain
					+ "'; configured chains: " + this.chains.all().stream().map(FallbackChain::name).toList());
		}
		String prompt = body.prompt();
		if (prompt == null || prompt.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "prompt must not be empty");
		}
		Integer maxTokens = body.maxTokens();
		if (maxTokens != null && maxTokens < 1) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "maxTokens must be at least 1");
		}
		return prompt;
	}

	private static ChatEvents.Failed failed(String chain, Throwable ex) {
		ChatEvents.Failed failed = ChatEvents.Failed.of(ex);
		if (failed.failure().equals("internal")) {
			logger.warn("The stream of chain '" + chain + "' failed unexpectedly", ex);
		}
		return failed;
	}

	private static ServerSentEvent<Object> event(String name, Object data) {
		return ServerSentEvent.builder(data).event(name).build();
	}

}
