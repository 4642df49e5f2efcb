package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.chain.ChainObservationDocumentation.KeyNames;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.ProviderType;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The attempt observation's span name ({@code chat {model}}) and its OpenTelemetry GenAI
 * attributes.
 */
public class DefaultChainAttemptObservationConvention implements ChainAttemptObservationConvention {

	/** The OpenTelemetry {@code gen_ai.provider.name} of a wire protocol. */
	public static String genAiProviderName(ProviderType type) {
		return switch (type) {
			case OPENAI -> "openai";
			case ANTHROPIC -> "anthropic";
			case GEMINI -> "gcp.gemini";
			// The model behind the bean is Spring AI's to name, in its own observation.
			case SPRING_AI -> "spring-ai";
		};
	}

	@Override
	public String getContextualName(ChainAttemptObservationContext context) {
		return "chat " + context.model();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ChainAttemptObservationContext context) {
		return KeyValues.of(KeyNames.OPERATION_NAME.withValue("chat"),
				KeyNames.PROVIDER_NAME.withValue(genAiProviderName(context.provider().type())),
				KeyNames.REQUEST_MODEL.withValue(context.model()), KeyNames.CHAIN.withValue(context.chain()),
				KeyNames.PROVIDER.withValue(context.provider().name()),
				KeyNames.PATH.withValue((context.index() == 0) ? "primary" : "fallback"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ChainAttemptObservationContext context) {
		List<KeyValue> values = new ArrayList<>();
		values.add(KeyNames.ATTEMPT.withValue(String.valueOf(context.index())));
		if (context.reason() != null) {
			values.add(KeyNames.REASON.withValue(context.reason()));
		}
		// High cardinality, so that it reaches the span but no meter derived from the
		// observation.
		if (context.lastResort()) {
			values.add(KeyNames.LAST_RESORT.withValue("true"));
		}
		if (context.retry() > 0) {
			values.add(KeyNames.RETRY.withValue(String.valueOf(context.retry())));
		}
		if (context.hedge()) {
			values.add(KeyNames.HEDGE.withValue("true"));
		}
		if (context.givenUp() != null) {
			values.add(KeyNames.GIVEN_UP.withValue(context.givenUp()));
		}
		StreamStats stream = context.stream();
		if (stream != null) {
			values.add(KeyNames.REQUEST_STREAM.withValue("true"));
			Duration firstChunk = stream.timeToFirstChunk();
			if (firstChunk != null) {
				values.add(KeyNames.TIME_TO_FIRST_CHUNK.withValue(seconds(firstChunk)));
			}
			if (stream.isUsageEstimated()) {
				values.add(KeyNames.USAGE_ESTIMATED.withValue("true"));
			}
			if (stream.isContinuation()) {
				values.add(KeyNames.CONTINUATION.withValue("true"));
			}
		}
		if (context.request().maxTokens() != null) {
			values.add(KeyNames.REQUEST_MAX_TOKENS.withValue(String.valueOf(context.request().maxTokens())));
		}
		if (context.request().temperature() != null) {
			values.add(KeyNames.REQUEST_TEMPERATURE.withValue(String.valueOf(context.request().temperature())));
		}
		ChatResponse response = context.response();
		if (response != null) {
			values.add(KeyNames.RESPONSE_MODEL.withValue(response.model()));
			values.add(KeyNames.INPUT_TOKENS.withValue(String.valueOf(response.usage().inputTokens())));
			if (response.usage().cachedInputTokens() > 0) {
				values.add(KeyNames.CACHE_READ_INPUT_TOKENS
					.withValue(String.valueOf(response.usage().cachedInputTokens())));
			}
			values.add(KeyNames.OUTPUT_TOKENS.withValue(String.valueOf(response.usage().outputTokens())));
			if (response.finishReason() != null) {
				values.add(KeyNames.FINISH_REASONS.withValue(response.finishReason().toLowerCase(Locale.ROOT)));
			}
		}
		if (context.errorType() != null) {
			values.add(KeyNames.ERROR_TYPE.withValue(context.errorType()));
		}
		if (context.captureContent()) {
			values.add(KeyNames.INPUT_MESSAGES.withValue(messagesJson(context.request())));
			if (response != null) {
				values.add(KeyNames.OUTPUT_MESSAGES
					.withValue("[{\"role\":\"assistant\",\"content\":" + quote(response.text()) + "}]"));
			}
		}
		return KeyValues.of(values);
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
			json.append("{\"role\":\"")
				.append(message.role().name().toLowerCase(Locale.ROOT))
				.append("\",\"content\":")
				.append(quote(message.content()))
				.append('}');
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
