package io.llmfallback.openaiapi.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's chat completions wire format, as the endpoint writes it: the records' names
 * are OpenAI's field names in camel case, written in snake case by {@link #JSON}, a
 * mapper of the endpoint's own so that an application's Jackson settings cannot change
 * the wire format.
 */
final class OpenAiWire {

	static final JsonMapper JSON = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.build();

	private OpenAiWire() {
	}

	/** A {@code chat.completion}: a unary answer. */
	record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

	}

	record Choice(int index, Message message, @Nullable Object logprobs, String finishReason) {

	}

	/**
	 * The answer: its text, null beside tool calls without text as OpenAI writes it, and
	 * its tool calls, left out when there are none.
	 */
	record Message(String role, @Nullable String content, @Nullable String refusal,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<MessageToolCall> toolCalls) {

	}

	record MessageToolCall(String id, String type, Function function) {

		static MessageToolCall of(ToolCall call) {
			return new MessageToolCall(call.id(), "function", new Function(call.name(), call.arguments()));
		}

	}

	/** A called function: its name and its arguments as JSON text. */
	record Function(String name, String arguments) {

	}

	/** A {@code chat.completion.chunk}: one event of a streamed answer. */
	record ChatCompletionChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

	}

	record ChunkChoice(int index, Delta delta, @Nullable Object logprobs, @Nullable String finishReason) {

	}

	/**
	 * What a chunk adds: the role on the first, text or a tool call on the next ones,
	 * nothing on the last ({@code {}}).
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delta(@Nullable String role, @Nullable String content, @Nullable List<ChunkToolCall> toolCalls) {

		static Delta text(@Nullable String role, @Nullable String content) {
			return new Delta(role, content, null);
		}

	}

	/**
	 * A tool call in a chunk, whole: its index among the answer's calls, its id, and the
	 * function with all its arguments (OpenAI sends them in fragments after the first
	 * delta; a client joins fragments by index, and a whole one is one fragment).
	 */
	record ChunkToolCall(int index, String id, String type, Function function) {

		static ChunkToolCall of(int index, ToolCall call) {
			return new ChunkToolCall(index, call.id(), "function", new Function(call.name(), call.arguments()));
		}

	}

	record Usage(long promptTokens, long completionTokens, long totalTokens, PromptTokensDetails promptTokensDetails) {

		static Usage of(TokenUsage usage) {
			return new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(),
					new PromptTokensDetails(usage.cachedInputTokens()));
		}

	}

	record PromptTokensDetails(long cachedTokens) {

	}

	/** {@code GET /v1/models}: one model per chain. */
	record ModelList(String object, List<Model> data) {

	}

	record Model(String id, String object, long created, String ownedBy) {

	}

	record ErrorResponse(ErrorBody error) {

	}

	record ErrorBody(String message, String type, @Nullable String param, @Nullable String code) {

	}

}
