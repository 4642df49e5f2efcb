package io.llmfallback.openaiapi.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiApiHandlerTest {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(nullValues = "none",
			value = { "stop, stop", "end_turn, stop", "STOP, stop", "stop_sequence, stop", "none, stop",
					"length, length", "max_tokens, length", "MAX_TOKENS, length", "content_filter, content_filter",
					"SAFETY, content_filter", "refusal, content_filter", "tool_use, tool_calls",
					"tool_calls, tool_calls" })
	void finishReasonsAreOpenAis(String providers, String openAis) {
		assertThat(OpenAiApiHandler.finishReason(providers, false)).isEqualTo(openAis);
	}

	@ParameterizedTest
	@CsvSource(nullValues = "none", value = { "STOP", "stop", "tool_use", "none" })
	void anAnswerWithToolCallsEndsWithToolCalls(String providers) {
		assertThat(OpenAiApiHandler.finishReason(providers, true)).isEqualTo("tool_calls");
	}

}
