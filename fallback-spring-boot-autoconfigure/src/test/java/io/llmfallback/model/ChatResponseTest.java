package io.llmfallback.model;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Truncation read from each provider's own finish reason. */
class ChatResponseTest {

	@ParameterizedTest
	@ValueSource(strings = { "length", "max_tokens", "MAX_TOKENS" })
	void answerCutOffByTheTokenLimitIsTruncated(String finishReason) {
		assertThat(response(finishReason).isTruncated()).isTrue();
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "stop", "end_turn", "STOP", "stop_sequence", "tool_calls" })
	void answerThatEndedOtherwiseIsNotTruncated(String finishReason) {
		assertThat(response(finishReason).isTruncated()).isFalse();
	}

	private static ChatResponse response(String finishReason) {
		return new ChatResponse("partial", finishReason, new TokenUsage(10, 16), "p", "m", Duration.ofMillis(1));
	}

}
