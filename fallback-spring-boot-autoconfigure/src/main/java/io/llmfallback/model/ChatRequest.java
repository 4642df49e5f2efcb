package io.llmfallback.model;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A provider-agnostic chat request. Fields left {@code null} take the provider's
 * configured default.
 *
 * @param messages the conversation, system messages included
 * @param model the model to use, or {@code null} for the provider's configured model; in
 * a chain it applies to the primary only, since a fallback provider serves its own
 * configured model
 * @param maxTokens the cap on output tokens, or {@code null} for the provider's
 * configured default
 * @param temperature sampling temperature, or {@code null} to send none
 * @param responseFormat whether a JSON object is asked for ({@code JSON} whenever a
 * schema is given)
 * @param tools the tools the model may call
 * @param toolChoice whether and which tool it must call, or {@code null} for the
 * provider's default (it decides)
 * @param stop sequences that end the answer where they appear (at most 4: OpenAI's limit)
 * @param topP nucleus sampling, or {@code null} to send none
 * @param seed a seed for sampling that repeats, or {@code null} to send none (Anthropic
 * has none and ignores it)
 * @param jsonSchema the JSON Schema the answer must match, or {@code null} for none
 */
public record ChatRequest(List<ChatMessage> messages, @Nullable String model, @Nullable Integer maxTokens,
		@Nullable Double temperature, ResponseFormat responseFormat, List<ToolDefinition> tools,
		@Nullable ToolChoice toolChoice, List<String> stop, @Nullable Double topP, @Nullable Long seed,
		@Nullable JsonSchemaFormat jsonSchema) {

	private static final int MAX_STOP_SEQUENCES = 4;

	private static final long ESTIMATED_IMAGE_TOKENS = 1_000;

	public ChatRequest {
		messages = List.copyOf(messages);
		if (messages.isEmpty()) {
			throw new IllegalArgumentException("A chat request needs at least one message");
		}
		if (maxTokens != null && maxTokens <= 0) {
			throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
		}
		Objects.requireNonNull(responseFormat, "responseFormat");
		tools = List.copyOf(tools);
		stop = List.copyOf(stop);
		if (stop.size() > MAX_STOP_SEQUENCES || stop.stream().anyMatch(String::isEmpty)) {
			throw new IllegalArgumentException(
					"At most " + MAX_STOP_SEQUENCES + " stop sequences, none empty; was " + stop.size());
		}
		if (toolChoice != null && toolChoice.mode() != ToolChoice.Mode.NONE && tools.isEmpty()) {
			throw new IllegalArgumentException("A tool choice other than NONE needs tools");
		}
		if (toolChoice != null && toolChoice.toolName() != null
				&& tools.stream().noneMatch((tool) -> tool.name().equals(toolChoice.toolName()))) {
			throw new IllegalArgumentException("The tool choice names a tool the request does not define");
		}
		if (topP != null && !(topP > 0 && topP <= 1)) {
			throw new IllegalArgumentException("topP must be above 0 and at most 1, was " + topP);
		}
		if (jsonSchema != null && responseFormat != ResponseFormat.JSON) {
			throw new IllegalArgumentException(
					"A JSON schema asks for a JSON answer: the response format must be JSON");
		}
	}

	/** A request without a JSON schema for its answer. */
	public ChatRequest(List<ChatMessage> messages, @Nullable String model, @Nullable Integer maxTokens,
			@Nullable Double temperature, ResponseFormat responseFormat, List<ToolDefinition> tools,
			@Nullable ToolChoice toolChoice, List<String> stop, @Nullable Double topP, @Nullable Long seed) {
		this(messages, model, maxTokens, temperature, responseFormat, tools, toolChoice, stop, topP, seed, null);
	}

	/** A request of text messages, without tools, stop sequences, top_p or seed. */
	public ChatRequest(List<ChatMessage> messages, @Nullable String model, @Nullable Integer maxTokens,
			@Nullable Double temperature, ResponseFormat responseFormat) {
		this(messages, model, maxTokens, temperature, responseFormat, List.of(), null, List.of(), null, null);
	}

	/** A request of one user message with every other field at the provider's default. */
	public static ChatRequest ofUser(String prompt) {
		return new ChatRequest(List.of(ChatMessage.user(prompt)), null, null, null, ResponseFormat.TEXT);
	}

	public ChatRequest withMaxTokens(@Nullable Integer maxTokens) {
		return new ChatRequest(this.messages, this.model, maxTokens, this.temperature, this.responseFormat, this.tools,
				this.toolChoice, this.stop, this.topP, this.seed, this.jsonSchema);
	}

	/** This request with a system message put first. */
	public ChatRequest withSystem(String systemPrompt) {
		List<ChatMessage> withSystem = new java.util.ArrayList<>(this.messages.size() + 1);
		withSystem.add(ChatMessage.system(systemPrompt));
		withSystem.addAll(this.messages);
		return withMessages(withSystem);
	}

	public ChatRequest withTemperature(@Nullable Double temperature) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, temperature, this.responseFormat, this.tools,
				this.toolChoice, this.stop, this.topP, this.seed, this.jsonSchema);
	}

	/**
	 * This request with another response format; {@code TEXT} drops the JSON schema too,
	 * since a schema asks for JSON.
	 */
	public ChatRequest withResponseFormat(ResponseFormat responseFormat) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, this.temperature, responseFormat, this.tools,
				this.toolChoice, this.stop, this.topP, this.seed,
				(responseFormat == ResponseFormat.JSON) ? this.jsonSchema : null);
	}

	/**
	 * This request with a JSON Schema its answer must match, strictly (see
	 * {@link JsonSchemaFormat}), and so a JSON answer.
	 * @param name the schema's name: letters, digits, {@code _} and {@code -}, at most 64
	 * characters
	 * @param schemaJson the JSON Schema, as JSON text (an object schema)
	 */
	public ChatRequest withJsonSchema(String name, String schemaJson) {
		return withJsonSchema(new JsonSchemaFormat(name, schemaJson, true));
	}

	/** This request with a JSON Schema its answer must match, and so a JSON answer. */
	public ChatRequest withJsonSchema(JsonSchemaFormat jsonSchema) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, this.temperature, ResponseFormat.JSON,
				this.tools, this.toolChoice, this.stop, this.topP, this.seed, jsonSchema);
	}

	public ChatRequest withModel(@Nullable String model) {
		return new ChatRequest(this.messages, model, this.maxTokens, this.temperature, this.responseFormat, this.tools,
				this.toolChoice, this.stop, this.topP, this.seed, this.jsonSchema);
	}

	/** This request with tools the model may call, and whether and which it must. */
	public ChatRequest withTools(List<ToolDefinition> tools, @Nullable ToolChoice toolChoice) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, this.temperature, this.responseFormat, tools,
				toolChoice, this.stop, this.topP, this.seed, this.jsonSchema);
	}

	/** This request with stop sequences, nucleus sampling and a seed. */
	public ChatRequest withSampling(List<String> stop, @Nullable Double topP, @Nullable Long seed) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, this.temperature, this.responseFormat,
				this.tools, this.toolChoice, stop, topP, seed, this.jsonSchema);
	}

	/** This request with other messages, everything else the same. */
	public ChatRequest withMessages(List<ChatMessage> messages) {
		return new ChatRequest(messages, this.model, this.maxTokens, this.temperature, this.responseFormat, this.tools,
				this.toolChoice, this.stop, this.topP, this.seed, this.jsonSchema);
	}

	/** Whether the request defines tools (or has their calls in its conversation). */
	public boolean usesTools() {
		return !this.tools.isEmpty() || this.messages.stream()
			.anyMatch((message) -> message.role() == ChatRole.TOOL || !message.toolCalls().isEmpty());
	}

	/** Whether the answer must match a JSON Schema. */
	public boolean needsJsonSchema() {
		return this.jsonSchema != null;
	}

	/** Whether a message holds an image given by its URL. */
	public boolean hasImageUrls() {
		return this.messages.stream().anyMatch((message) -> message.images().stream().anyMatch(ImageInput::isUrl));
	}

	/** Whether a message holds an image. */
	public boolean hasImages() {
		return this.messages.stream().anyMatch((message) -> !message.images().isEmpty());
	}

	/**
	 * This request with the start of the assistant's answer as its last message, for a
	 * provider that accepts a prefill to write on from. Trailing whitespace is cut:
	 * Anthropic refuses a prefill that ends with it, and the model writes the space
	 * itself.
	 */
	public ChatRequest withPrefill(String answerSoFar) {
		int end = answerSoFar.length();
		while (end > 0 && Character.isWhitespace(answerSoFar.charAt(end - 1))) {
			end--;
		}
		List<ChatMessage> prefilled = new java.util.ArrayList<>(this.messages.size() + 1);
		prefilled.addAll(this.messages);
		prefilled.add(ChatMessage.assistant(answerSoFar.substring(0, end)));
		return withMessages(prefilled);
	}

	/**
	 * The prompt's tokens, estimated at one per four characters of its text, tool
	 * definitions, tool calls and JSON schema (the rule of thumb OpenAI documents for
	 * English), and {@value #ESTIMATED_IMAGE_TOKENS} per image (about what one of 1024 x
	 * 1024 pixels costs on each of the three providers): a request's size before any
	 * provider has counted it, for rate limits and for pricing a call given up before it
	 * answered.
	 */
	public long estimatedInputTokens() {
		long characters = 0;
		long images = 0;
		for (ChatMessage message : this.messages) {
			characters += message.content().length();
			for (ToolCall call : message.toolCalls()) {
				characters += call.name().length() + call.arguments().length();
			}
			images += message.images().size();
		}
		for (ToolDefinition tool : this.tools) {
			characters += tool.name().length() + tool.description().length() + tool.parameters().length();
		}
		if (this.jsonSchema != null) {
			characters += this.jsonSchema.schema().length();
		}
		return (characters + 3) / 4 + images * ESTIMATED_IMAGE_TOKENS;
	}

	/** Concatenated text of the system messages, or {@code null} when there are none. */
	public @Nullable String systemText() {
		StringBuilder text = new StringBuilder();
		for (ChatMessage message : this.messages) {
			if (message.role() == ChatRole.SYSTEM) {
				if (!text.isEmpty()) {
					text.append("\n\n");
				}
				text.append(message.content());
			}
		}
		return text.isEmpty() ? null : text.toString();
	}

	/** The messages that are not system messages, in order. */
	public List<ChatMessage> conversation() {
		return this.messages.stream().filter((message) -> message.role() != ChatRole.SYSTEM).toList();
	}

}
