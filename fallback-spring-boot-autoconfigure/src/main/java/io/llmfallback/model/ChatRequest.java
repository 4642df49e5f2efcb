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
 * @param responseFormat whether a JSON object is asked for
 */
public record ChatRequest(List<ChatMessage> messages, @Nullable String model, @Nullable Integer maxTokens,
		@Nullable Double temperature, ResponseFormat responseFormat) {

	public ChatRequest {
		messages = List.copyOf(messages);
		if (messages.isEmpty()) {
			throw new IllegalArgumentException("A chat request needs at least one message");
		}
		if (maxTokens != null && maxTokens <= 0) {
			throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
		}
		Objects.requireNonNull(responseFormat, "responseFormat");
	}

	/** A request of one user message with every other field at the provider's default. */
	public static ChatRequest ofUser(String prompt) {
		return new ChatRequest(List.of(ChatMessage.user(prompt)), null, null, null, ResponseFormat.TEXT);
	}

	public ChatRequest withMaxTokens(@Nullable Integer maxTokens) {
		return new ChatRequest(this.messages, this.model, maxTokens, this.temperature, this.responseFormat);
	}

	/** This request with a system message put first. */
	public ChatRequest withSystem(String systemPrompt) {
		List<ChatMessage> withSystem = new java.util.ArrayList<>(this.messages.size() + 1);
		withSystem.add(ChatMessage.system(systemPrompt));
		withSystem.addAll(this.messages);
		return new ChatRequest(withSystem, this.model, this.maxTokens, this.temperature, this.responseFormat);
	}

	public ChatRequest withTemperature(@Nullable Double temperature) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, temperature, this.responseFormat);
	}

	public ChatRequest withResponseFormat(ResponseFormat responseFormat) {
		return new ChatRequest(this.messages, this.model, this.maxTokens, this.temperature, responseFormat);
	}

	public ChatRequest withModel(@Nullable String model) {
		return new ChatRequest(this.messages, model, this.maxTokens, this.temperature, this.responseFormat);
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
		return new ChatRequest(prefilled, this.model, this.maxTokens, this.temperature, this.responseFormat);
	}

	/**
	 * The prompt's tokens, estimated at one per four characters (the rule of thumb OpenAI
	 * documents for English): a request's size before any provider has counted it, for
	 * rate limits and for pricing a call given up before it answered.
	 */
	public long estimatedInputTokens() {
		long characters = 0;
		for (ChatMessage message : this.messages) {
			characters += message.content().length();
		}
		return (characters + 3) / 4;
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
