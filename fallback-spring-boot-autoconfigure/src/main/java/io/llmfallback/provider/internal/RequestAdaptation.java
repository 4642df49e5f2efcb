package io.llmfallback.provider.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ResponseFormat;
import org.jspecify.annotations.Nullable;

/**
 * How one provider rewrites the chain's request before sending it: the same system prompt
 * meets another model's defaults, so a fallback may need its own instructions (a model
 * that answers 40% shorter gets "answer in full"), its own temperature, or none at all
 * (reasoning models reject it).
 *
 * @param systemPromptReplacement replaces every system message, or {@code null} to keep
 * them
 * @param systemPromptAddendum appended to the system prompt (or sent as one), or
 * {@code null}
 * @param temperature overrides the request's temperature, or {@code null} to keep it
 * @param drop request parameters this provider must not receive
 */
public record RequestAdaptation(@Nullable String systemPromptReplacement, @Nullable String systemPromptAddendum,
		@Nullable Double temperature, Set<Parameter> drop) {

	/** No adaptation: the request goes as the chain built it. */
	public static final RequestAdaptation NONE = new RequestAdaptation(null, null, null, Set.of());

	/** Request parameters that can be dropped for a provider. */
	public enum Parameter {

		/** Sampling temperature (reasoning models reject it). */
		TEMPERATURE,

		/** The JSON response format (for endpoints without a JSON mode). */
		RESPONSE_FORMAT

	}

	public RequestAdaptation {
		drop = Set.copyOf(drop);
	}

	public boolean isNone() {
		return this.systemPromptReplacement == null && this.systemPromptAddendum == null && this.temperature == null
				&& this.drop.isEmpty();
	}

	/** The request as this provider should receive it. */
	public ChatRequest apply(ChatRequest request) {
		ChatRequest adapted = request;
		if (this.systemPromptReplacement != null || this.systemPromptAddendum != null) {
			adapted = withSystemPrompt(adapted);
		}
		if (this.temperature != null) {
			adapted = adapted.withTemperature(this.temperature);
		}
		if (this.drop.contains(Parameter.TEMPERATURE)) {
			adapted = adapted.withTemperature(null);
		}
		if (this.drop.contains(Parameter.RESPONSE_FORMAT)) {
			adapted = adapted.withResponseFormat(ResponseFormat.TEXT);
		}
		return adapted;
	}

	private ChatRequest withSystemPrompt(ChatRequest request) {
		String system = (this.systemPromptReplacement != null) ? this.systemPromptReplacement : request.systemText();
		if (this.systemPromptAddendum != null) {
			system = (system != null) ? system + "\n\n" + this.systemPromptAddendum : this.systemPromptAddendum;
		}
		List<ChatMessage> messages = new ArrayList<>();
		if (system != null) {
			messages.add(ChatMessage.system(system));
		}
		request.messages().stream().filter((message) -> message.role() != ChatRole.SYSTEM).forEach(messages::add);
		// Everything but the messages is kept: tools, sampling, the JSON schema.
		return request.withMessages(messages);
	}

}
