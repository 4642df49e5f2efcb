package io.llmfallback.provider.internal;

import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.mutatedFixture;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAI chat completions with tools, images and sampling parameters: the request fields
 * (https://platform.openai.com/docs/api-reference/chat/create: {@code tools},
 * {@code tool_choice}, assistant {@code tool_calls}, {@code tool} messages,
 * {@code image_url} content parts, {@code stop}, {@code top_p}, {@code seed}), an answer
 * of parallel tool calls ({@code chat-completion-tool-calls.json}, in the shape of the
 * chat completion object of the same reference) and its streamed form, whose argument
 * fragments of two calls interleave by index.
 */
class OpenAiProviderToolsTest {

	private static final String PATH = "/v1/chat/completions";

	private static final ToolDefinition INCIDENT = new ToolDefinition("get_incident", "Looks an incident up by id",
			"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}");

	private static final ToolDefinition RUNBOOK = new ToolDefinition("get_runbook", "Reads a runbook section",
			"{\"type\":\"object\",\"properties\":{\"service\":{\"type\":\"string\"},\"section\":{\"type\":\"string\"}}}");

	private static final List<ToolCall> CALLS = List.of(
			new ToolCall("call_Kp7rT2wXq9LmZ4vB1nHc8sYd", "get_incident", "{\"id\":\"INC-42\"}"),
			new ToolCall("call_Rf3nW8yZk1QpX6tM0vLj2hGe", "get_runbook",
					"{\"service\":\"payments\",\"section\":\"rate limits\"}"));

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@Test
	void toolsAndTheirChoiceAreFunctionsWithTheirSchemaAsAnObject() {
		answerWithToolCalls();

		success(gpt().chat(
				ChatRequest.ofUser("What happened in INC-42?").withTools(List.of(INCIDENT, RUNBOOK), ToolChoice.AUTO)));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson(
				"""
						{
						  "model": "gpt-4o",
						  "messages": [ { "role": "user", "content": "What happened in INC-42?" } ],
						  "max_tokens": 1024,
						  "tools": [
						    { "type": "function", "function": { "name": "get_incident", "description": "Looks an incident up by id",
						      "parameters": { "type": "object", "properties": { "id": { "type": "string" } }, "required": [ "id" ] } } },
						    { "type": "function", "function": { "name": "get_runbook", "description": "Reads a runbook section",
						      "parameters": { "type": "object", "properties": { "service": { "type": "string" },
						        "section": { "type": "string" } } } } }
						  ],
						  "tool_choice": "auto"
						}""")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "required" })
	void toolChoiceModesAreOpenAisWords(String mode) {
		answerWithToolCalls();
		ToolChoice choice = mode.equals("none") ? ToolChoice.NONE : ToolChoice.REQUIRED;

		success(gpt().chat(ChatRequest.ofUser("Hi").withTools(List.of(INCIDENT), choice)));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH))
			.withRequestBody(matchingJsonPath("$.tool_choice", equalTo(mode))));
	}

	@Test
	void aNamedToolChoiceIsAFunctionObject() {
		answerWithToolCalls();

		success(gpt()
			.chat(ChatRequest.ofUser("Hi").withTools(List.of(INCIDENT, RUNBOOK), ToolChoice.tool("get_runbook"))));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{ "tool_choice": { "type": "function", "function": { "name": "get_runbook" } } }""", false, true)));
	}

	@Test
	void imagesAreContentPartsAfterTheTextWithInlineDataAsADataUrl() {
		answerWithToolCalls();
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("What is on the dashboards?",
						List.of(ImageInput.url("https://status.example.com/p99.png"),
								ImageInput.base64("image/png", "iVBORw0KGgoAAAANSUhEUg=="))),
						ChatMessage.user("", List.of(ImageInput.base64("image/webp", "UklGRiQAAABXRUJQ")))),
				null, null, null, ResponseFormat.TEXT);

		success(gpt().chat(request));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson(
				"""
						{ "messages": [
						  { "role": "user", "content": [
						    { "type": "text", "text": "What is on the dashboards?" },
						    { "type": "image_url", "image_url": { "url": "https://status.example.com/p99.png" } },
						    { "type": "image_url", "image_url": { "url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" } } ] },
						  { "role": "user", "content": [
						    { "type": "image_url", "image_url": { "url": "data:image/webp;base64,UklGRiQAAABXRUJQ" } } ] } ] }""",
				false, true)));
	}

	@Test
	void stopTopPAndSeedAreSent() {
		answerWithToolCalls();

		success(gpt().chat(ChatRequest.ofUser("Count.").withSampling(List.of("\n\n", "END"), 0.9, 42L)));

		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson("""
				{ "stop": [ "\\n\\n", "END" ], "top_p": 0.9, "seed": 42 }""", false, true)));
	}

	@Test
	void reasoningModelsGetNoTopPButTheirStopAndSeed() {
		answerWithToolCalls();

		success(gpt().chat(ChatRequest.ofUser("Count.").withModel("o4-mini").withSampling(List.of("END"), 0.9, 42L)));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.top_p", absent()))
					.withRequestBody(matchingJsonPath("$.seed", equalTo("42")))
					.withRequestBody(matchingJsonPath("$.stop[0]", equalTo("END"))));
	}

	@Test
	void noToolsNoSamplingSendsNoneOfTheirFields() {
		answerWithToolCalls();

		success(gpt().chat(ChatRequest.ofUser("Hi")));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.tools", absent()))
					.withRequestBody(matchingJsonPath("$.tool_choice", absent()))
					.withRequestBody(matchingJsonPath("$.stop", absent()))
					.withRequestBody(matchingJsonPath("$.top_p", absent()))
					.withRequestBody(matchingJsonPath("$.seed", absent())));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[\"id\"]", "\"object\"", "{\"type\":", "" })
	void parametersThatAreNotAJsonObjectAreABadRequestBeforeSending(String parameters) {
		answerWithToolCalls();
		ToolDefinition broken = new ToolDefinition("get_incident", "Looks an incident up", parameters);

		ProviderException failure = failure(gpt().chat(ChatRequest.ofUser("Hi").withTools(List.of(broken), null)));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(failure.getMessage()).contains("the parameters of tool 'get_incident' must be a JSON object");
		server.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
	}

	@Test
	void parallelToolCallsAreTheAnswerInTheirOrder() {
		answerWithToolCalls();

		ChatResponse response = success(gpt().chat(ChatRequest.ofUser("What happened in INC-42?")
			.withTools(List.of(INCIDENT, RUNBOOK), ToolChoice.REQUIRED)));

		assertThat(response.toolCalls()).containsExactlyElementsOf(CALLS);
		assertThat(response.text()).isEmpty();
		assertThat(response.finishReason()).isEqualTo("tool_calls");
		assertThat(response.usage()).isEqualTo(new TokenUsage(112, 48));
		assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
	}

	@Test
	void aToolCallBesideTextKeepsBoth() {
		server.stubFor(
				post(urlPathEqualTo(PATH)).willReturn(okJson(mutatedFixture("openai/chat-completion-tool-calls.json",
						(body) -> ((ObjectNode) body.path("choices").path(0).path("message")).put("content",
								"Let me look that up.")))));

		ChatResponse response = success(gpt().chat(ChatRequest.ofUser("What happened in INC-42?")));

		assertThat(response.text()).isEqualTo("Let me look that up.");
		assertThat(response.toolCalls()).containsExactlyElementsOf(CALLS);
	}

	@Test
	void theLegacyFunctionCallIsOneToolCall() {
		server.stubFor(post(urlPathEqualTo(PATH))
			.willReturn(okJson(mutatedFixture("openai/chat-completion-tool-calls.json", (body) -> {
				ObjectNode message = (ObjectNode) body.path("choices").path(0).path("message");
				message.remove("tool_calls");
				message.putObject("function_call").put("name", "get_incident").put("arguments", "{\"id\":\"INC-7\"}");
			}))));

		ChatResponse response = success(gpt().chat(ChatRequest.ofUser("What happened in INC-7?")));

		assertThat(response.toolCalls()).containsExactly(new ToolCall("call_0", "get_incident", "{\"id\":\"INC-7\"}"));
	}

	@Test
	void streamedToolCallsInterleavedByIndexAreAssembledOnTheLastChunk() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(fixture("openai/chat-completion-tool-calls-stream.sse"))));

		List<ChatChunk> chunks = gpt()
			.stream(ChatRequest.ofUser("What happened in INC-42?").withTools(List.of(INCIDENT, RUNBOOK), null))
			.collectList()
			.block(CALL_TIMEOUT);

		assertThat(chunks)
			.containsExactly(new ChatChunk("", "tool_calls", new TokenUsage(112, 48), "gpt-4o-2024-08-06", CALLS));
		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH))
					.withRequestBody(matchingJsonPath("$.tools[1].function.name", equalTo("get_runbook")))
					.withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
	}

	@Test
	void aStreamedToolCallDeltaWithoutIndexIsAnInvalidResponse() {
		String stream = fixture("openai/chat-completion-tool-calls-stream.sse").replace("{\"index\":1,", "{");
		server.stubFor(post(urlPathEqualTo(PATH))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(stream)));

		ProviderException failure = failure(gpt().stream(ChatRequest.ofUser("Hi")).then());

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("tool call delta has no index");
	}

	@Test
	void theToolCallsAndTheirResultsGoBackInTheNextRequest() {
		answerWithToolCalls();
		ChatRequest first = ChatRequest.ofUser("What happened in INC-42?").withTools(List.of(INCIDENT, RUNBOOK), null);
		ChatResponse calls = success(gpt().chat(first));
		List<ChatMessage> conversation = new ArrayList<>(first.messages());
		conversation.add(ChatMessage.assistant(calls.text(), calls.toolCalls()));
		conversation.add(ChatMessage.toolResult(calls.toolCalls().get(0), "{\"status\":\"resolved\"}"));
		conversation.add(ChatMessage.toolResult(calls.toolCalls().get(1), "Back off for 30 s on a 429."));
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("openai/chat-completion.json"))));

		ChatResponse answer = success(gpt().chat(first.withMessages(conversation)));

		assertThat(answer.text()).startsWith("A breaker that is open");
		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson(
				"""
						{ "messages": [
						  { "role": "user", "content": "What happened in INC-42?" },
						  { "role": "assistant", "content": null, "tool_calls": [
						    { "id": "call_Kp7rT2wXq9LmZ4vB1nHc8sYd", "type": "function",
						      "function": { "name": "get_incident", "arguments": "{\\"id\\":\\"INC-42\\"}" } },
						    { "id": "call_Rf3nW8yZk1QpX6tM0vLj2hGe", "type": "function",
						      "function": { "name": "get_runbook",
						        "arguments": "{\\"service\\":\\"payments\\",\\"section\\":\\"rate limits\\"}" } } ] },
						  { "role": "tool", "tool_call_id": "call_Kp7rT2wXq9LmZ4vB1nHc8sYd", "content": "{\\"status\\":\\"resolved\\"}" },
						  { "role": "tool", "tool_call_id": "call_Rf3nW8yZk1QpX6tM0vLj2hGe", "content": "Back off for 30 s on a 429." } ] }""",
				false, true)));
	}

	@Test
	void anAssistantMessageWithTextAndToolCallsKeepsItsText() {
		answerWithToolCalls();
		ChatRequest request = new ChatRequest(List.of(ChatMessage.user("Hi"),
				ChatMessage.assistant("Looking.", List.of(CALLS.get(0))), ChatMessage.toolResult(CALLS.get(0), "ok")),
				null, null, null, ResponseFormat.TEXT);

		success(gpt().chat(request));

		server.verify(1,
				postRequestedFor(urlPathEqualTo(PATH))
					.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Looking.")))
					.withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo(CALLS.get(0).id()))));
	}

	private static void answerWithToolCalls() {
		server
			.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("openai/chat-completion-tool-calls.json"))));
	}

	private static LlmProvider gpt() {
		return provider(ProviderType.OPENAI, baseUrl(server));
	}

}
