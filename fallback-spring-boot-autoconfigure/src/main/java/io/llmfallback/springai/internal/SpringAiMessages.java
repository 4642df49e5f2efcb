package io.llmfallback.springai.internal;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.MimeType;

/**
 * Spring AI's messages, tool calls and tool definitions to the chain's model and back.
 * Both directions are needed: a chain served as a {@code ChatModel} reads Spring AI's
 * prompts, and a {@code ChatModel} serving as a provider is sent them.
 */
public final class SpringAiMessages {

	/** The type Spring AI and OpenAI give every tool call. */
	private static final String FUNCTION = "function";

	private SpringAiMessages() {
	}

	public static List<ChatMessage> toChain(List<Message> messages) {
		List<ChatMessage> converted = new ArrayList<>(messages.size());
		for (Message message : messages) {
			String text = (message.getText() != null) ? message.getText() : "";
			switch (message.getMessageType()) {
				case SYSTEM -> converted.add(ChatMessage.system(text));
				case USER -> converted.add(ChatMessage.user(text, images(((UserMessage) message).getMedia())));
				case ASSISTANT -> converted.add(ChatMessage.assistant(text,
						((AssistantMessage) message).getToolCalls()
							.stream()
							.map((call) -> new ToolCall(call.id(), call.name(), call.arguments()))
							.toList()));
				case TOOL -> ((ToolResponseMessage) message).getResponses()
					.forEach((response) -> converted.add(new ChatMessage(ChatRole.TOOL, response.responseData(),
							List.of(), List.of(), response.id(), response.name())));
			}
		}
		return converted;
	}

	public static List<Message> toSpringAi(List<ChatMessage> messages) {
		List<Message> converted = new ArrayList<>(messages.size());
		for (int i = 0; i < messages.size(); i++) {
			ChatMessage message = messages.get(i);
			switch (message.role()) {
				case SYSTEM -> converted.add(new SystemMessage(message.content()));
				case USER -> converted.add(UserMessage.builder()
					.text(message.content())
					.media(message.images().stream().map(SpringAiMessages::media).toList())
					.build());
				case ASSISTANT -> converted.add(AssistantMessage.builder()
					.content(message.content())
					.toolCalls(toSpringAiCalls(message.toolCalls()))
					.build());
				case TOOL -> {
					// Spring AI answers all the calls of one turn in one message.
					List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
					for (; i < messages.size() && messages.get(i).role() == ChatRole.TOOL; i++) {
						ChatMessage result = messages.get(i);
						responses.add(new ToolResponseMessage.ToolResponse(nonNull(result.toolCallId()),
								nonNull(result.toolName()), result.content()));
					}
					i--;
					converted.add(ToolResponseMessage.builder().responses(responses).build());
				}
			}
		}
		return converted;
	}

	public static List<ToolCall> toChainCalls(List<AssistantMessage.ToolCall> calls) {
		return calls.stream().map((call) -> new ToolCall(call.id(), call.name(), call.arguments())).toList();
	}

	public static List<AssistantMessage.ToolCall> toSpringAiCalls(List<ToolCall> calls) {
		return calls.stream()
			.map((call) -> new AssistantMessage.ToolCall(call.id(), FUNCTION, call.name(), call.arguments()))
			.toList();
	}

	public static List<ToolDefinition> toolDefinitions(List<ToolCallback> callbacks) {
		return callbacks.stream().map(ToolCallback::getToolDefinition).map((definition) -> {
			String description = definition.description();
			return new ToolDefinition(definition.name(), (description != null) ? description : "",
					definition.inputSchema());
		}).toList();
	}

	private static List<ImageInput> images(List<Media> media) {
		return media.stream().map(SpringAiMessages::image).toList();
	}

	/**
	 * An image by https URL or as bytes; the model validates the rest (https only, the
	 * media types every provider reads).
	 */
	private static ImageInput image(Media media) {
		Object data = media.getData();
		if (data instanceof byte[] bytes) {
			return ImageInput.base64(media.getMimeType().toString(), Base64.getEncoder().encodeToString(bytes));
		}
		if (data instanceof String || data instanceof URI || data instanceof URL) {
			String text = data.toString();
			if (text.startsWith("data:")) {
				throw new IllegalArgumentException("Send inline images as bytes, not as a data: URL");
			}
			return ImageInput.url(text);
		}
		throw new IllegalArgumentException("Media of type " + media.getMimeType() + " is neither bytes nor a URL");
	}

	private static Media media(ImageInput image) {
		if (image.isUrl()) {
			return new Media(MimeType.valueOf("image/*"), URI.create(nonNull(image.url())));
		}
		return Media.builder()
			.mimeType(MimeType.valueOf(nonNull(image.mediaType())))
			.data(Base64.getDecoder().decode(nonNull(image.base64Data())))
			.build();
	}

	private static <T> T nonNull(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("A validated message lacks a field its role needs");
		}
		return value;
	}

}
