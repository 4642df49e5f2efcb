package io.llmfallback.model;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ToolsAndImagesModelTest {

	private static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "The weather in a city",
			"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

	@Test
	void aToolNameIsOneEveryProviderAccepts() {
		assertThat(new ToolDefinition("lookup-order_2", "", "{}").name()).isEqualTo("lookup-order_2");
		assertThatIllegalArgumentException().isThrownBy(() -> new ToolDefinition("get weather", "", "{}"))
			.withMessageContaining("found ' ' at 3");
		assertThatIllegalArgumentException().isThrownBy(() -> new ToolDefinition("", "", "{}"))
			.withMessageContaining("1 to 64");
		assertThatIllegalArgumentException().isThrownBy(() -> new ToolDefinition("a".repeat(65), "", "{}"))
			.withMessageContaining("was 65");
	}

	@Test
	void aToolChoiceNamesADefinedToolAndOnlyForModeTool() {
		ChatRequest request = ChatRequest.ofUser("Weather in Paris?")
			.withTools(List.of(WEATHER), ToolChoice.tool("get_weather"));
		assertThat(request.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.TOOL, "get_weather"));
		assertThat(request.usesTools()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withTools(List.of(WEATHER), ToolChoice.tool("other")))
			.withMessageContaining("does not define");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withTools(List.of(), ToolChoice.REQUIRED))
			.withMessageContaining("needs tools");
		assertThatIllegalArgumentException().isThrownBy(() -> new ToolChoice(ToolChoice.Mode.AUTO, "get_weather"));
		assertThat(ChatRequest.ofUser("x").withTools(List.of(), ToolChoice.NONE).usesTools()).isFalse();
	}

	@Test
	void aToolResultAnswersItsCallByIdAndName() {
		ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
		ChatMessage result = ChatMessage.toolResult(call, "{\"celsius\":18}");
		assertThat(result.role()).isEqualTo(ChatRole.TOOL);
		assertThat(result.toolCallId()).isEqualTo("call_1");
		assertThat(result.toolName()).isEqualTo("get_weather");
		ChatRequest followUp = new ChatRequest(
				List.of(ChatMessage.user("Weather?"), ChatMessage.assistant("", List.of(call)), result), null, null,
				null, ResponseFormat.TEXT);
		assertThat(followUp.usesTools()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatMessage(ChatRole.TOOL, "18", List.of(), List.of(), null, null))
			.withMessageContaining("tool message");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatMessage(ChatRole.USER, "x", List.of(), List.of(call), null, null))
			.withMessageContaining("assistant message");
	}

	@Test
	void anImageIsAnHttpsUrlOrInlineDataOfAKnownType() {
		assertThat(ImageInput.url("https://example.com/cat.png").isUrl()).isTrue();
		assertThat(ImageInput.base64("image/png", "iVBORw0KGgo=").isUrl()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> ImageInput.url("http://example.com/cat.png"))
			.withMessageContaining("https");
		assertThatIllegalArgumentException().isThrownBy(() -> ImageInput.url("file:///etc/passwd"));
		assertThatIllegalArgumentException().isThrownBy(() -> ImageInput.base64("image/svg+xml", "PHN2Zz4="))
			.withMessageContaining("media types");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatMessage(ChatRole.ASSISTANT, "x", List.of(ImageInput.url("https://e.com/a.png")),
					List.of(), null, null))
			.withMessageContaining("user message");
		assertThat(ChatRequest.ofUser("x").hasImages()).isFalse();
		assertThat(new ChatRequest(
				List.of(ChatMessage.user("What is this?", List.of(ImageInput.url("https://e.com/a.png")))), null, null,
				null, ResponseFormat.TEXT)
			.hasImages()).isTrue();
	}

	@Test
	void stopSequencesTopPAndSeedAreBounded() {
		ChatRequest request = ChatRequest.ofUser("x").withSampling(List.of("\n\n", "END"), 0.9, 42L);
		assertThat(request.stop()).containsExactly("\n\n", "END");
		assertThat(request.topP()).isEqualTo(0.9);
		assertThat(request.seed()).isEqualTo(42L);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withSampling(List.of("a", "b", "c", "d", "e"), null, null))
			.withMessageContaining("At most 4");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withSampling(List.of(""), null, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withSampling(List.of(), 0.0, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.ofUser("x").withSampling(List.of(), 1.5, null));
	}

	@Test
	void theWithMethodsKeepToolsAndSampling() {
		ChatRequest request = ChatRequest.ofUser("x")
			.withTools(List.of(WEATHER), ToolChoice.AUTO)
			.withSampling(List.of("END"), 0.5, 7L)
			.withMaxTokens(100)
			.withModel("m")
			.withTemperature(0.2)
			.withResponseFormat(ResponseFormat.JSON)
			.withSystem("be brief")
			.withPrefill("The answer is ");
		assertThat(request.tools()).containsExactly(WEATHER);
		assertThat(request.toolChoice()).isEqualTo(ToolChoice.AUTO);
		assertThat(request.stop()).containsExactly("END");
		assertThat(request.topP()).isEqualTo(0.5);
		assertThat(request.seed()).isEqualTo(7L);
		assertThat(request.messages()).hasSize(3);
	}

	@Test
	void theInputEstimateCountsToolsCallsAndImages() {
		ChatRequest text = ChatRequest.ofUser("abcd".repeat(10));
		assertThat(text.estimatedInputTokens()).isEqualTo(10);
		ChatRequest withTool = text.withTools(List.of(new ToolDefinition("abcd", "abcd".repeat(2), "abcd".repeat(3))),
				null);
		assertThat(withTool.estimatedInputTokens()).isEqualTo(16);
		ChatRequest withImage = new ChatRequest(
				List.of(ChatMessage.user("abcd", List.of(ImageInput.base64("image/png", "iVBORw0KGgo=")))), null, null,
				null, ResponseFormat.TEXT);
		assertThat(withImage.estimatedInputTokens()).isEqualTo(1 + 1_000);
	}

	@Test
	void anAnswerMayBeToolCallsWithoutText() {
		ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
		ChatResponse response = new ChatResponse("", "tool_calls", new TokenUsage(10, 5), "gpt", "gpt-4o",
				java.time.Duration.ofMillis(5), List.of(call));
		assertThat(response.hasToolCalls()).isTrue();
		assertThat(response.withUsage(new TokenUsage(1, 1)).toolCalls()).containsExactly(call);
		assertThat(response.withLatency(java.time.Duration.ZERO).toolCalls()).containsExactly(call);
		assertThat(ChatChunk.text("x").toolCalls()).isEmpty();
	}

}
