package io.llmfallback.springai.internal;

import java.util.List;
import java.util.Map;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.springai.FallbackChainChatModel;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * A Spring AI prompt as a chain's request, and the chain's answer as Spring AI's
 * response: what {@link FallbackChainChatModel} sends down its chain and gives back.
 */
public final class ChainPrompts {

	/**
	 * The name the schema of a prompt's structured output goes under: Spring AI's options
	 * have the schema without one.
	 */
	static final String SCHEMA_NAME = "output";

	private ChainPrompts() {
	}

	/**
	 * The prompt's messages, its portable options (model, max tokens, temperature, top p,
	 * stop sequences), the definitions of its tools, and the JSON Schema of its answer
	 * when {@code ChatClient} asks for native structured output. Options only one
	 * provider knows (top k, penalties, a provider's own options class) are not sent: the
	 * chain sends one request to providers of every wire format.
	 */
	public static ChatRequest toRequest(Prompt prompt) {
		ChatOptions options = prompt.getOptions();
		ChatRequest request = new ChatRequest(SpringAiMessages.toChain(prompt.getInstructions()),
				(options != null) ? options.getModel() : null, (options != null) ? options.getMaxTokens() : null,
				(options != null) ? options.getTemperature() : null, ResponseFormat.TEXT);
		if (options == null) {
			return request;
		}
		List<String> stop = options.getStopSequences();
		request = request.withSampling((stop != null) ? stop : List.of(), options.getTopP(), null);
		// Spring AI leaves them null when a prompt has none.
		List<ToolCallback> tools = (options instanceof ToolCallingChatOptions calling) ? calling.getToolCallbacks()
				: null;
		if (tools != null && !tools.isEmpty()) {
			request = request.withTools(SpringAiMessages.toolDefinitions(tools), null);
		}
		String schema = (options instanceof StructuredOutputChatOptions structured) ? structured.getOutputSchema()
				: null;
		if (schema != null && !schema.isBlank()) {
			// Strict, as Spring AI's own OpenAI model asks for it: the schemas Spring AI
			// writes for entity(...) require every property and forbid others.
			request = request.withJsonSchema(new JsonSchemaFormat(SCHEMA_NAME, schema, true));
		}
		return request;
	}

	/** The served answer, with the chain's facts in the response metadata. */
	public static ChatResponse toResponse(ChainResponse served) {
		io.llmfallback.model.ChatResponse answer = served.response();
		return response(answer.text(), SpringAiMessages.toSpringAiCalls(answer.toolCalls()), answer.finishReason(),
				answer.model(), answer.usage(), served);
	}

	/**
	 * One chunk of a streamed answer; the last one ({@code served} not null) carries the
	 * chain's facts as well.
	 */
	public static ChatResponse toResponse(ChatChunk chunk, @Nullable ChainResponse served) {
		return response(chunk.text(), SpringAiMessages.toSpringAiCalls(chunk.toolCalls()), chunk.finishReason(),
				chunk.model(), chunk.usage(), served);
	}

	private static ChatResponse response(String text, List<AssistantMessage.ToolCall> toolCalls,
			@Nullable String finishReason, @Nullable String model, @Nullable TokenUsage usage,
			@Nullable ChainResponse served) {
		AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(toolCalls).build();
		ChatGenerationMetadata.Builder generation = ChatGenerationMetadata.builder();
		if (finishReason != null) {
			generation.finishReason(finishReason);
		}
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder();
		if (model != null) {
			metadata.model(model);
		}
		if (usage != null) {
			metadata.usage(new DefaultUsage(Math.toIntExact(usage.inputTokens()), Math.toIntExact(usage.outputTokens()),
					Math.toIntExact(usage.totalTokens()), usage));
		}
		if (served != null) {
			metadata.metadata(Map.of(FallbackChainChatModel.CHAIN, served.chain(), FallbackChainChatModel.PROVIDER,
					served.response().provider(), FallbackChainChatModel.PATH, served.path().wireName(),
					FallbackChainChatModel.ATTEMPTS, served.attempts(), FallbackChainChatModel.COST_USD,
					served.costUsd()));
		}
		return new ChatResponse(List.of(new Generation(message, generation.build())), metadata.build());
	}

}
