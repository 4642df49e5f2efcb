package io.llmfallback.springai.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Portable options that carry tools and a JSON Schema for the answer: Spring AI's
 * {@code ChatClient} hands a model its tools only in {@code ToolCallingChatOptions}, and
 * asks for native structured output only through {@link StructuredOutputChatOptions};
 * Spring AI's own portable options are one or the other.
 */
public final class ChainChatOptions extends DefaultToolCallingChatOptions implements StructuredOutputChatOptions {

	private final @Nullable String outputSchema;

	private ChainChatOptions(@Nullable List<ToolCallback> toolCallbacks, @Nullable Map<String, Object> toolContext,
			@Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
			@Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
			@Nullable Integer topK, @Nullable Double topP, @Nullable String outputSchema) {
		super(toolCallbacks, toolContext, model, frequencyPenalty, maxTokens, presencePenalty, stopSequences,
				temperature, topK, topP);
		this.outputSchema = outputSchema;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The JSON Schema the answer must match, or {@code null} for any answer. */
	@Override
	public @Nullable String getOutputSchema() {
		return this.outputSchema;
	}

	@Override
	public Builder mutate() {
		return new Builder().combineWith(super.mutate()).outputSchema(this.outputSchema);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ChainChatOptions options && super.equals(other)
				&& Objects.equals(this.outputSchema, options.outputSchema);
	}

	@Override
	public int hashCode() {
		return 31 * super.hashCode() + Objects.hashCode(this.outputSchema);
	}

	/** A builder of options with tools and a schema. */
	public static final class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
			implements StructuredOutputChatOptions.Builder<Builder> {

		private @Nullable String outputSchema;

		@Override
		public Builder outputSchema(@Nullable String outputSchema) {
			this.outputSchema = outputSchema;
			return this;
		}

		/**
		 * These options with the other builder's, its schema too when it is one of these
		 * builders and has one: the interface gives no way to read another builder's.
		 */
		@Override
		public Builder combineWith(ChatOptions.Builder<?> other) {
			super.combineWith(other);
			if (other instanceof Builder options && options.outputSchema != null) {
				this.outputSchema = options.outputSchema;
			}
			return this;
		}

		@Override
		public ChainChatOptions build() {
			return new ChainChatOptions(this.toolCallbacks, this.toolContext, this.model, this.frequencyPenalty,
					this.maxTokens, this.presencePenalty, this.stopSequences, this.temperature, this.topK, this.topP,
					this.outputSchema);
		}

	}

}
