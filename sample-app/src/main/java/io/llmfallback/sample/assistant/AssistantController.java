package io.llmfallback.sample.assistant;

import java.util.List;

import io.llmfallback.springai.FallbackChainChatModel;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /assistant} with {@code {"question": "..."}}: a Spring AI
 * {@code ChatClient} over the {@code assistant} chain's {@code ChatModel}, with an
 * {@link OrderLookup} tool. The chain serves each turn of the tool-calling conversation
 * (the tool call, then the answer to its result) from whichever provider is up, so a
 * failover keeps the tool working.
 */
@RestController
final class AssistantController {

	private final ChatClient client;

	AssistantController(@Qualifier("assistantChatModel") ChatModel assistant) {
		this.client = ChatClient.create(assistant);
	}

	@PostMapping("/assistant")
	Mono<Answer> ask(@RequestBody Question body) {
		String question = body.question();
		if (question == null || question.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "question must not be empty");
		}
		OrderLookup lookup = new OrderLookup();
		// ChatClient's call blocks on the chain and runs the tool: off the event loop.
		return Mono.fromCallable(() -> this.client.prompt().user(question).tools(lookup).call().chatResponse())
			.subscribeOn(Schedulers.boundedElastic())
			.map((response) -> Answer.of(response, lookup.calls()));
	}

	/** The body of {@code POST /assistant}. */
	record Question(@Nullable String question) {

	}

	/**
	 * The assistant's answer and how the chain served its last turn.
	 *
	 * @param answer the model's answer
	 * @param provider the provider that served the last turn
	 * @param path {@code primary} or {@code fallback}
	 * @param toolCalls the tool calls the model made, e.g. {@code orderStatus(A-1042)}
	 */
	record Answer(String answer, String provider, String path, List<String> toolCalls) {

		static Answer of(@Nullable ChatResponse response, List<String> toolCalls) {
			if (response == null || response.getResult() == null) {
				throw new IllegalStateException("The assistant chain answered nothing");
			}
			ChatResponseMetadata metadata = response.getMetadata();
			String text = response.getResult().getOutput().getText();
			return new Answer((text != null) ? text : "", metadata.getRequired(FallbackChainChatModel.PROVIDER),
					metadata.getRequired(FallbackChainChatModel.PATH), toolCalls);
		}

	}

}
