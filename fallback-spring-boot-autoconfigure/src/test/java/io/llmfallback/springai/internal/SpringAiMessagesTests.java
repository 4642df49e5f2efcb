package io.llmfallback.springai.internal;

import java.net.URI;
import java.util.List;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolDefinition;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Spring AI's prompts as the chain's requests, and the chain's conversations as Spring
 * AI's messages: a round trip keeps every message, image and tool call.
 */
class SpringAiMessagesTests {

	private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G' };

	@Test
	void aPromptBecomesARequestWithItsOptionsImagesAndTools() {
		Prompt prompt = new Prompt(
				List.of(new SystemMessage("Be brief."),
						UserMessage.builder()
							.text("What is on these?")
							.media(new Media(MimeTypeUtils.IMAGE_PNG, URI.create("https://example.com/cat.png")),
									Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(PNG).build())
							.build()),
				ToolCallingChatOptions.builder()
					.model("gpt-4o")
					.maxTokens(100)
					.temperature(0.2)
					.topP(0.9)
					.stopSequences(List.of("END"))
					.toolCallbacks(FunctionToolCallback.builder("lookup", (String input) -> "found")
						.description("Looks a thing up")
						.inputType(String.class)
						.build())
					.build());

		ChatRequest request = ChainPrompts.toRequest(prompt);

		assertThat(request.messages()).extracting(ChatMessage::role).containsExactly(ChatRole.SYSTEM, ChatRole.USER);
		assertThat(request.messages().get(1).images()).containsExactly(ImageInput.url("https://example.com/cat.png"),
				ImageInput.base64("image/png", "iVBORw=="));
		assertThat(request.model()).isEqualTo("gpt-4o");
		assertThat(request.maxTokens()).isEqualTo(100);
		assertThat(request.temperature()).isEqualTo(0.2);
		assertThat(request.topP()).isEqualTo(0.9);
		assertThat(request.stop()).containsExactly("END");
		assertThat(request.tools()).extracting(ToolDefinition::name, ToolDefinition::description)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("lookup", "Looks a thing up"));
		assertThat(request.tools().get(0).parameters()).contains("\"type\"");
	}

	@Test
	void toolCallsAndTheirResultsMakeTheRoundTrip() {
		List<ToolCall> calls = List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"),
				new ToolCall("call_2", "weather", "{\"city\":\"Rome\"}"));
		List<ChatMessage> conversation = List.of(ChatMessage.user("Weather in Paris and Rome?"),
				ChatMessage.assistant("", calls), ChatMessage.toolResult(calls.get(0), "sunny"),
				ChatMessage.toolResult(calls.get(1), "rain"), ChatMessage.assistant("Sunny, and rain."));

		List<Message> springAi = SpringAiMessages.toSpringAi(conversation);

		// Spring AI answers the calls of one turn in one message.
		assertThat(springAi).hasSize(4);
		assertThat(((AssistantMessage) springAi.get(1)).getToolCalls())
			.extracting(AssistantMessage.ToolCall::id, AssistantMessage.ToolCall::type)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("call_1", "function"),
					org.assertj.core.groups.Tuple.tuple("call_2", "function"));
		assertThat(((ToolResponseMessage) springAi.get(2)).getResponses())
			.extracting(ToolResponseMessage.ToolResponse::id, ToolResponseMessage.ToolResponse::responseData)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("call_1", "sunny"),
					org.assertj.core.groups.Tuple.tuple("call_2", "rain"));
		assertThat(SpringAiMessages.toChain(springAi)).isEqualTo(conversation);
	}

	@Test
	void imagesMakeTheRoundTrip() {
		List<ChatMessage> conversation = List.of(ChatMessage.user("What is this?",
				List.of(ImageInput.url("https://example.com/cat.png"), ImageInput.base64("image/jpeg", "/9j/4A=="))));

		assertThat(SpringAiMessages.toChain(SpringAiMessages.toSpringAi(conversation))).isEqualTo(conversation);
	}

	@Test
	void anInlineImageAsADataUrlIsRefused() {
		UserMessage message = UserMessage.builder()
			.text("What is this?")
			.media(Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data("data:image/png;base64,iVBORw==").build())
			.build();

		assertThatIllegalArgumentException().isThrownBy(() -> SpringAiMessages.toChain(List.of(message)))
			.withMessageContaining("data: URL");
	}

}
