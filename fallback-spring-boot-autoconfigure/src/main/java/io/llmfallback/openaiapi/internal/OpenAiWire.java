package io.llmfallback.openaiapi.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.llmfallback.model.TokenUsage;
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

	record Message(String role, String content, @Nullable String refusal) {

	}

	/** A {@code chat.completion.chunk}: one event of a streamed answer. */
	record ChatCompletionChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

	}

	record ChunkChoice(int index, Delta delta, @Nullable Object logprobs, @Nullable String finishReason) {

	}

	/**
	 * What a chunk adds: the role on the first, text on the next ones, nothing on the
	 * last ({@code {}}).
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delta(@Nullable String role, @Nullable String content) {

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
