package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer observations a chain makes: one per logical request ({@code llm.fallback {chain}}) and a
 * child per provider attempt ({@code chat {model}}) carrying the OpenTelemetry GenAI attributes. With
 * Micrometer Tracing on the class path they become spans; the starter records its meters separately.
 */
public final class ChainObservations {

	/** Observation name of a logical request. */
	public static final String REQUEST_OBSERVATION = "llm.fallback.request";

	/** Observation name of one provider attempt. */
	public static final String ATTEMPT_OBSERVATION = "llm.fallback.attempt";

	/** Event on the request observation when a provider is skipped because its breaker is open. */
	public static final String SHORT_CIRCUIT_EVENT = "llm.fallback.short_circuit";

	/** Event on the request observation when an answer breaks the chain's output contract. */
	public static final String CONTRACT_VIOLATION_EVENT = "llm.fallback.contract_violation";

	private ChainObservations() {
	}

	/** The OpenTelemetry {@code gen_ai.provider.name} of a wire protocol. */
	public static String genAiProviderName(ProviderType type) {
		return switch (type) {
			case OPENAI -> "openai";
			case ANTHROPIC -> "anthropic";
			case GEMINI -> "gcp.gemini";
		};
	}

	/** What a request observation knows. */
	public static final class RequestContext extends Observation.Context {

		private final String chain;

		private final String operation;

		private ServedPath path = ServedPath.NONE;

		private int attempts;

		RequestContext(String chain, String operation) {
			this.chain = chain;
			this.operation = operation;
		}

		public String chain() {
			return this.chain;
		}

		public String operation() {
			return this.operation;
		}

		public ServedPath path() {
			return this.path;
		}

		public int attempts() {
			return this.attempts;
		}

		void ended(ServedPath path, int attempts) {
			this.path = path;
			this.attempts = attempts;
		}

	}

	/** What an attempt observation knows. */
	public static final class AttemptContext extends Observation.Context {

		private final String chain;

		private final LlmProvider provider;

		private final int index;

		private final ChatRequest request;

		private final String model;

		private final @Nullable String reason;

		private final boolean lastResort;

		private final int retry;

		private final boolean hedge;

		private final boolean captureContent;

		private @Nullable String givenUp;

		private @Nullable ChatResponse response;

		private @Nullable String errorType;

		private @Nullable StreamStats stream;

		AttemptContext(String chain, LlmProvider provider, int index, ChatRequest request,
				@Nullable String reason, boolean lastResort, int retry, boolean hedge, boolean captureContent) {
			this.chain = chain;
			this.provider = provider;
			this.index = index;
			this.request = request;
			this.model = (request.model() != null) ? request.model() : provider.model();
			this.reason = reason;
			this.lastResort = lastResort;
			this.retry = retry;
			this.hedge = hedge;
			this.captureContent = captureContent;
		}

		public String chain() {
			return this.chain;
		}

		public LlmProvider provider() {
			return this.provider;
		}

		public int index() {
			return this.index;
		}

		public ChatRequest request() {
			return this.request;
		}

		public String model() {
			return this.model;
		}

		/**
		 * Why the attempt before this one did not serve (its failure category, or {@code short-circuited}),
		 * {@code null} for the first attempt.
		 */
		public @Nullable String reason() {
			return this.reason;
		}

		/** Whether this is the last-resort attempt of a request that found every provider's breaker open. */
		public boolean lastResort() {
			return this.lastResort;
		}

		/** 0 for the request's first call of the provider, 1 for its first retry, and so on. */
		public int retry() {
			return this.retry;
		}

		/** Whether this attempt started as a hedge, beside a primary that was still working. */
		public boolean hedge() {
			return this.hedge;
		}

		/**
		 * Why the call was given up while the provider worked on it ({@code cancelled}: its breaker opened;
		 * {@code hedge-lost}: another attempt answered first), {@code null} when it was not.
		 */
		public @Nullable String givenUp() {
			return this.givenUp;
		}

		public boolean captureContent() {
			return this.captureContent;
		}

		public @Nullable ChatResponse response() {
			return this.response;
		}

		public @Nullable String errorType() {
			return this.errorType;
		}

		/** How the chunks of a streamed attempt came; {@code null} for a unary call. */
		public @Nullable StreamStats stream() {
			return this.stream;
		}

		void streamed(StreamStats stream) {
			this.stream = stream;
		}

		void succeeded(ChatResponse response) {
			this.response = response;
		}

		void givenUp(String why) {
			this.givenUp = why;
		}

		void failed(Throwable failure) {
			if (failure instanceof ProviderException providerFailure) {
				this.errorType = providerFailure.getCategory().wireName();
			}
			else if (failure instanceof AttemptRefusedException refused) {
				this.errorType = refused.getOutcome().wireName();
			}
			else {
				this.errorType = failure.getClass().getName();
			}
		}

	}

	/** Names and attributes of the request observation. */
	public static class RequestConvention implements ObservationConvention<RequestContext> {

		@Override
		public String getName() {
			return REQUEST_OBSERVATION;
		}

		@Override
		public String getContextualName(RequestContext context) {
			return "llm.fallback " + context.chain();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(RequestContext context) {
			return KeyValues.of("llm.fallback.chain", context.chain(), "llm.fallback.operation", context.operation(),
					"llm.fallback.path", context.path().wireName());
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(RequestContext context) {
			return KeyValues.of("llm.fallback.attempts", String.valueOf(context.attempts()));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof RequestContext;
		}

	}

	/** Names and OpenTelemetry GenAI attributes of an attempt observation. */
	public static class AttemptConvention implements ObservationConvention<AttemptContext> {

		@Override
		public String getName() {
			return ATTEMPT_OBSERVATION;
		}

		@Override
		public String getContextualName(AttemptContext context) {
			return "chat " + context.model();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(AttemptContext context) {
			return KeyValues.of("gen_ai.operation.name", "chat", "gen_ai.provider.name",
					genAiProviderName(context.provider().type()), "gen_ai.request.model", context.model(),
					"llm.fallback.chain", context.chain(), "llm.fallback.provider", context.provider().name(),
					"llm.fallback.path", (context.index() == 0) ? "primary" : "fallback");
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(AttemptContext context) {
			List<KeyValue> values = new ArrayList<>();
			values.add(KeyValue.of("llm.fallback.attempt", String.valueOf(context.index())));
			if (context.reason() != null) {
				values.add(KeyValue.of("llm.fallback.reason", context.reason()));
			}
			// High cardinality, so that it reaches the span but no meter derived from the observation.
			if (context.lastResort()) {
				values.add(KeyValue.of("llm.fallback.last_resort", "true"));
			}
			if (context.retry() > 0) {
				values.add(KeyValue.of("llm.fallback.retry", String.valueOf(context.retry())));
			}
			if (context.hedge()) {
				values.add(KeyValue.of("llm.fallback.hedge", "true"));
			}
			if (context.givenUp() != null) {
				values.add(KeyValue.of("llm.fallback.given_up", context.givenUp()));
			}
			StreamStats stream = context.stream();
			if (stream != null) {
				values.add(KeyValue.of("gen_ai.request.stream", "true"));
				Duration firstChunk = stream.timeToFirstChunk();
				if (firstChunk != null) {
					values.add(KeyValue.of("gen_ai.response.time_to_first_chunk", seconds(firstChunk)));
				}
				if (stream.isUsageEstimated()) {
					values.add(KeyValue.of("llm.fallback.usage_estimated", "true"));
				}
				if (stream.isContinuation()) {
					values.add(KeyValue.of("llm.fallback.continuation", "true"));
				}
			}
			if (context.request().maxTokens() != null) {
				values.add(KeyValue.of("gen_ai.request.max_tokens",
						String.valueOf(context.request().maxTokens())));
			}
			if (context.request().temperature() != null) {
				values.add(KeyValue.of("gen_ai.request.temperature",
						String.valueOf(context.request().temperature())));
			}
			ChatResponse response = context.response();
			if (response != null) {
				values.add(KeyValue.of("gen_ai.response.model", response.model()));
				values.add(KeyValue.of("gen_ai.usage.input_tokens",
						String.valueOf(response.usage().inputTokens())));
				if (response.usage().cachedInputTokens() > 0) {
					values.add(KeyValue.of("gen_ai.usage.cache_read.input_tokens",
							String.valueOf(response.usage().cachedInputTokens())));
				}
				values.add(KeyValue.of("gen_ai.usage.output_tokens",
						String.valueOf(response.usage().outputTokens())));
				if (response.finishReason() != null) {
					values.add(KeyValue.of("gen_ai.response.finish_reasons",
							response.finishReason().toLowerCase(Locale.ROOT)));
				}
			}
			if (context.errorType() != null) {
				values.add(KeyValue.of("error.type", context.errorType()));
			}
			if (context.captureContent()) {
				values.add(KeyValue.of("gen_ai.input.messages", messagesJson(context.request())));
				if (response != null) {
					values.add(KeyValue.of("gen_ai.output.messages",
							"[{\"role\":\"assistant\",\"content\":" + quote(response.text()) + "}]"));
				}
			}
			return KeyValues.of(values);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof AttemptContext;
		}

		/** Seconds, as the GenAI conventions give times, to the microsecond. */
		private static String seconds(Duration duration) {
			return BigDecimal.valueOf(duration.toNanos() / 1_000, 6).stripTrailingZeros().toPlainString();
		}

		private static String messagesJson(ChatRequest request) {
			StringBuilder json = new StringBuilder("[");
			for (ChatMessage message : request.messages()) {
				if (json.length() > 1) {
					json.append(',');
				}
				json.append("{\"role\":\"").append(message.role().name().toLowerCase(Locale.ROOT))
					.append("\",\"content\":").append(quote(message.content())).append('}');
			}
			return json.append(']').toString();
		}

		private static String quote(String text) {
			StringBuilder quoted = new StringBuilder("\"");
			for (char c : text.toCharArray()) {
				switch (c) {
					case '"' -> quoted.append("\\\"");
					case '\\' -> quoted.append("\\\\");
					case '\n' -> quoted.append("\\n");
					case '\r' -> quoted.append("\\r");
					case '\t' -> quoted.append("\\t");
					default -> {
						if (c < 0x20) {
							quoted.append(String.format("\\u%04x", (int) c));
						}
						else {
							quoted.append(c);
						}
					}
				}
			}
			return quoted.append('"').toString();
		}

	}

}
