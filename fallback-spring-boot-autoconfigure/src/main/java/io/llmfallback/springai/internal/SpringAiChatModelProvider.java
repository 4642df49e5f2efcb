package io.llmfallback.springai.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.ConfiguredProvider;
import io.llmfallback.provider.internal.ProviderSettings;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptionsBuilder;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.StringUtils;

/**
 * A Spring AI {@link ChatModel} bean as a provider of a chain: each attempt is one call
 * of the model, whose exceptions become the chain's failure categories.
 * <p>
 * The model is handed the request's tools as definitions only: a Spring AI 2.0 model
 * answers with the tool calls and leaves running them to its caller, here the caller of
 * the chain. A model that tried to run one itself would fail the attempt, loudly.
 */
public final class SpringAiChatModelProvider extends ConfiguredProvider {

	private final ChatModel model;

	private final ProviderCapabilities capabilities;

	/**
	 * Whether the model has an output cap of its own for reasoning models
	 * ({@code maxCompletionTokens}), which OpenAI's options keep over {@code maxTokens}
	 * with a warning on every call. Read once: a model's options are set when it is
	 * built.
	 */
	private final boolean capsReasoningOutput;

	public SpringAiChatModelProvider(ProviderSettings settings, ChatModel model) {
		super(settings);
		this.model = model;
		this.capabilities = carried(settings.capabilities(), modelOptions(model));
		ChatOptions options = model.getOptions();
		this.capsReasoningOutput = options != null
				&& ReflectiveGetters.intValue(options, "getMaxCompletionTokens") != null;
	}

	/**
	 * The configured capabilities, less what the model's options cannot carry to it:
	 * tools without tool-calling options, a schema without structured-output options. The
	 * chain skips the provider for such a request instead of dropping its tools or schema
	 * unseen.
	 */
	private static ProviderCapabilities carried(ProviderCapabilities configured, ChatOptions.Builder<?> options) {
		boolean tools = options instanceof ToolCallingChatOptions.Builder<?>;
		boolean schema = options instanceof StructuredOutputChatOptions.Builder<?>;
		return new ProviderCapabilities(configured.tools() && tools, configured.images(),
				configured.jsonSchema() && schema, configured.contextWindow(), configured.imageUrls());
	}

	@Override
	public ProviderCapabilities capabilities() {
		return this.capabilities;
	}

	@Override
	public ProviderType type() {
		return ProviderType.SPRING_AI;
	}

	/**
	 * Calls the model on a thread that may block, as its {@code call} does; cancelling
	 * the attempt stops waiting for it, not the model's own HTTP call. The attempt's
	 * observation is current on that thread, so that the model's own observation is its
	 * child and not a second trace of the same call.
	 */
	@Override
	public Mono<ChatResponse> chat(ChatRequest request) {
		return Mono
			.deferContextual((context) -> Mono.fromCallable(
					() -> callWithin(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null), request)))
			.subscribeOn(Schedulers.boundedElastic())
			.onErrorMap((failure) -> SpringAiFailures.map(name(), failure));
	}

	private ChatResponse callWithin(@Nullable Observation attempt, ChatRequest request) {
		if (attempt == null) {
			return call(request);
		}
		try (Observation.Scope scope = attempt.openScope()) {
			return call(request);
		}
	}

	private ChatResponse call(ChatRequest request) {
		long start = System.nanoTime();
		org.springframework.ai.chat.model.ChatResponse response = this.model.call(prompt(request));
		Generation generation = onlyGeneration(response);
		AssistantMessage message = generation.getOutput();
		if (text(message).isBlank() && !message.hasToolCalls()) {
			// As an HTTP provider's empty answer: the next provider may have one.
			throw new ProviderException(name(), FailureCategory.EMPTY_RESPONSE, null, null,
					"the model answered without text or a tool call", null);
		}
		return new ChatResponse(text(message), generation.getMetadata().getFinishReason(),
				usage(response.getMetadata().getUsage()), name(), model(response, request),
				Duration.ofNanos(System.nanoTime() - start), SpringAiMessages.toChainCalls(message.getToolCalls()));
	}

	/**
	 * Streams what the model streams. The attempt's observation is in the subscriber's
	 * Reactor context, where Spring AI's streaming models look up their parent.
	 */
	@Override
	public Flux<ChatChunk> stream(ChatRequest request) {
		return Flux.defer(() -> this.model.stream(prompt(request)))
			.mapNotNull(this::chunk)
			.onErrorMap((failure) -> SpringAiFailures.map(name(), failure));
	}

	/**
	 * One response of a streamed answer as a chunk, or {@code null} for one that carries
	 * nothing. Models report usage on one response, usually the last, which may have no
	 * generation at all (OpenAI's usage comes in a chunk without choices).
	 */
	private @Nullable ChatChunk chunk(org.springframework.ai.chat.model.ChatResponse response) {
		Usage usage = response.getMetadata().getUsage();
		boolean reported = usage != null && usage.getTotalTokens() != null && usage.getTotalTokens() > 0;
		TokenUsage tokens = reported ? usage(usage) : null;
		// A blank model would hide the one an earlier response named.
		String model = StringUtils.hasText(response.getMetadata().getModel()) ? response.getMetadata().getModel()
				: null;
		if (response.getResults().isEmpty()) {
			return reported ? new ChatChunk("", null, tokens, model, List.of()) : null;
		}
		Generation generation = response.getResult();
		AssistantMessage message = generation.getOutput();
		return new ChatChunk(text(message), generation.getMetadata().getFinishReason(), tokens, model,
				SpringAiMessages.toChainCalls(message.getToolCalls()));
	}

	private Prompt prompt(ChatRequest request) {
		return new Prompt(SpringAiMessages.toSpringAi(request.messages()), options(request));
	}

	/**
	 * A builder of the model's own options, with its configured defaults. Spring AI 2.0's
	 * models read a prompt's options as their own options class (OpenAI's casts them),
	 * which only their {@code getOptions().mutate()} builds. Spring AI's portable
	 * classes, which carry no schema or no tools, are read through their interfaces: for
	 * them the chain's own options, which carry both, take their place.
	 */
	private static ChatOptions.Builder<?> modelOptions(ChatModel model) {
		ChatOptions defaults = model.getOptions();
		if (defaults == null) {
			return ChainChatOptions.builder();
		}
		ChatOptions.Builder<?> options = defaults.mutate();
		Class<?> type = options.getClass();
		if (type == DefaultChatOptionsBuilder.class || type == DefaultToolCallingChatOptions.Builder.class) {
			return ChainChatOptions.builder().combineWith(options);
		}
		return options;
	}

	/**
	 * The request's options on top of the model's; the model's own output cap for
	 * reasoning models rules when it has one.
	 */
	private ChatOptions options(ChatRequest request) {
		ChatOptions.Builder<?> options = modelOptions(this.model);
		options.model((request.model() != null) ? request.model() : model());
		if (!this.capsReasoningOutput) {
			options.maxTokens((request.maxTokens() != null) ? request.maxTokens() : maxTokens());
		}
		if (request.temperature() != null) {
			options.temperature(request.temperature());
		}
		if (request.topP() != null) {
			options.topP(request.topP());
		}
		if (!request.stop().isEmpty()) {
			options.stopSequences(request.stop());
		}
		// What the options cannot carry, the chain does not send here (capabilities).
		if (options instanceof ToolCallingChatOptions.Builder<?> calling) {
			List<ToolCallback> tools = new ArrayList<>();
			for (ToolDefinition tool : request.tools()) {
				tools.add(new DefinitionOnlyToolCallback(tool));
			}
			calling.toolCallbacks(tools);
		}
		JsonSchemaFormat schema = request.jsonSchema();
		if (schema != null && options instanceof StructuredOutputChatOptions.Builder<?> structured) {
			structured.outputSchema(schema.schema());
		}
		return options.build();
	}

	private Generation onlyGeneration(org.springframework.ai.chat.model.ChatResponse response) {
		List<Generation> generations = response.getResults();
		if (generations.isEmpty()) {
			throw new ProviderException(name(), FailureCategory.EMPTY_RESPONSE, null, null, "no generation", null);
		}
		return generations.get(0);
	}

	private String model(org.springframework.ai.chat.model.ChatResponse response, ChatRequest request) {
		String answered = response.getMetadata().getModel();
		if (answered != null && !answered.isEmpty()) {
			return answered;
		}
		return (request.model() != null) ? request.model() : model();
	}

	private static String text(AssistantMessage message) {
		String text = message.getText();
		return (text != null) ? text : "";
	}

	private static TokenUsage usage(@Nullable Usage usage) {
		if (usage == null) {
			return TokenUsage.NONE;
		}
		return new TokenUsage(orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens()));
	}

	private static long orZero(@Nullable Integer count) {
		return (count != null && count > 0) ? count : 0;
	}

}
