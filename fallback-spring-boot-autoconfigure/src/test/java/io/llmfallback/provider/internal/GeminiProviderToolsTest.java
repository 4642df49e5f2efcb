package io.llmfallback.provider.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.mutatedFixture;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gemini function calling, images and sampling on the wire: {@code functionDeclarations}
 * and {@code toolConfig} in the request, {@code functionCall} parts in unary and streamed
 * answers, {@code functionResponse} parts for the results, {@code inlineData} for images.
 * The answers are fixtures in the shapes of Google's Gemini API reference (see
 * {@code fixtures/gemini/SOURCES.md}).
 */
class GeminiProviderToolsTest {

	private static final String UNARY = "/v1beta/models/gemini-2.5-flash:generateContent";

	private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

	private static final ToolDefinition WEATHER = new ToolDefinition("get_current_temperature",
			"Gets the current temperature for a given location.", """
					{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
					 "properties": {"location": {"type": "string"}},
					 "required": ["location"], "additionalProperties": false}""");

	private static final ToolDefinition BOOK_TAXI = new ToolDefinition("book_taxi", "Books a taxi.",
			"{\"type\": \"object\", \"properties\": {\"time\": {\"type\": \"string\"}}}");

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@BeforeEach
	void answerWithFunctionCalls() {
		server.stubFor(
				post(urlEqualTo(UNARY)).willReturn(okJson(fixture("gemini/generate-content-function-calls.json"))));
	}

	@Test
	void toolsGoAsFunctionDeclarationsWithToolConfigAndSamplingInGenerationConfig() {
		ChatRequest request = ChatRequest.ofUser("How warm is it in Paris and London?")
			.withTools(List.of(WEATHER, BOOK_TAXI), ToolChoice.tool("get_current_temperature"))
			.withSampling(List.of("END", "\n\n"), 0.9, 42L);

		success(gemini().chat(request));

		// strict: the JSON Schema goes whole as parametersJsonSchema
		// (additionalProperties
		// and all), but for $schema, which Gemini rejects
		server.verify(1, postRequestedFor(urlEqualTo(UNARY)).withRequestBody(equalToJson("""
				{
				  "contents": [ { "role": "user", "parts": [ { "text": "How warm is it in Paris and London?" } ] } ],
				  "tools": [ { "functionDeclarations": [
				    { "name": "get_current_temperature",
				      "description": "Gets the current temperature for a given location.",
				      "parametersJsonSchema": { "type": "object", "properties": { "location": { "type": "string" } },
				        "required": [ "location" ], "additionalProperties": false } },
				    { "name": "book_taxi", "description": "Books a taxi.",
				      "parametersJsonSchema": { "type": "object", "properties": { "time": { "type": "string" } } } }
				  ] } ],
				  "toolConfig": { "functionCallingConfig": { "mode": "ANY",
				    "allowedFunctionNames": [ "get_current_temperature" ] } },
				  "generationConfig": { "maxOutputTokens": 1024, "topP": 0.9, "seed": 42,
				    "stopSequences": [ "END", "\\n\\n" ] }
				}""")));
	}

	@Test
	void toolChoiceModesMapOntoFunctionCallingModes() {
		assertThat(functionCallingConfig(ToolChoice.AUTO)).isEqualTo("{\"mode\":\"AUTO\"}");
		assertThat(functionCallingConfig(ToolChoice.NONE)).isEqualTo("{\"mode\":\"NONE\"}");
		assertThat(functionCallingConfig(ToolChoice.REQUIRED)).isEqualTo("{\"mode\":\"ANY\"}");
	}

	@Test
	void withoutAToolChoiceNoToolConfigIsSent() {
		success(gemini().chat(ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), null)));

		JsonNode body = HttpLlmProvider.JSON.readTree(server.getAllServeEvents().get(0).getRequest().getBodyAsString());
		assertThat(body.has("tools")).isTrue();
		assertThat(body.has("toolConfig")).isFalse();
	}

	@Test
	void aSeedBeyondGeminisInt32IsFoldedIntoOne() {
		answerWithText();
		success(gemini().chat(ChatRequest.ofUser("Roll a die.").withSampling(List.of(), null, (1L << 32) + 7)));

		server.verify(1, postRequestedFor(urlEqualTo(UNARY))
			.withRequestBody(equalToJson("{\"generationConfig\": {\"seed\": 6}}", true, true)));
	}

	@Test
	void answerOfTwoParallelFunctionCallsIsWholeWithIdsMadeUpInOrder() {
		ChatResponse response = success(gemini().chat(weatherRequest()));

		assertThat(response.toolCalls()).containsExactly(
				new ToolCall("call_0", "get_current_temperature", "{\"location\":\"Paris\"}"),
				new ToolCall("call_1", "get_current_temperature", "{\"location\":\"London\"}"));
		assertThat(response.text()).isEmpty();
		assertThat(response.finishReason()).isEqualTo("STOP");
		assertThat(response.usage()).isEqualTo(new TokenUsage(72, 115));
		assertThat(response.model()).isEqualTo("gemini-2.5-flash");
	}

	@Test
	void aFunctionCallKeepsTheIdGeminiGaveIt() {
		server.stubFor(post(urlEqualTo(UNARY))
			.willReturn(okJson(mutatedFixture("gemini/generate-content-function-calls.json", (body) -> {
				ObjectNode call = (ObjectNode) body.at("/candidates/0/content/parts/1/functionCall");
				call.put("id", "9xq2k4mz");
			}))));

		ChatResponse response = success(gemini().chat(weatherRequest()));

		assertThat(response.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "9xq2k4mz");
	}

	@Test
	void aFunctionCallWithoutANameIsAnInvalidResponse() {
		server.stubFor(post(urlEqualTo(UNARY))
			.willReturn(okJson(mutatedFixture("gemini/generate-content-function-calls.json", (body) -> {
				((ObjectNode) body.at("/candidates/0/content/parts/1/functionCall")).remove("name");
			}))));

		assertThat(failure(gemini().chat(weatherRequest())).getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
	}

	@Test
	void streamedFunctionCallsOfTwoEventsComeWholeOnTheLastChunk() {
		server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(fixture("gemini/generate-content-function-calls-stream.sse"))));

		AtomicReference<List<ChatChunk>> chunks = new AtomicReference<>();
		StepVerifier.create(gemini().stream(weatherRequest()).collectList())
			.consumeNextWith(chunks::set)
			.expectComplete()
			.verify(CALL_TIMEOUT);

		assertThat(chunks.get())
			.containsExactly(new ChatChunk("", "STOP", new TokenUsage(72, 115, 0), "gemini-2.5-flash",
					List.of(new ToolCall("call_0", "get_current_temperature", "{\"location\":\"Paris\"}"),
							new ToolCall("call_1", "get_current_temperature", "{\"location\":\"London\"}"))));
		server.verify(1, postRequestedFor(urlPathEqualTo(STREAM)).withQueryParam("alt", equalTo("sse"))
			.withRequestBody(
					matchingJsonPath("$.tools[0].functionDeclarations[0].name", equalTo("get_current_temperature"))));
	}

	@Test
	void callsAndTheirResultsGoBackAsFunctionCallAndFunctionResponseParts() {
		ChatResponse answer = success(gemini().chat(weatherRequest()));
		ToolCall paris = answer.toolCalls().get(0);
		ToolCall london = answer.toolCalls().get(1);
		server.resetRequests();

		success(gemini().chat(weatherRequest().withMessages(
				List.of(ChatMessage.user("How warm is it?"), ChatMessage.assistant(answer.text(), answer.toolCalls()),
						ChatMessage.toolResult(paris, "{\"temperature\": 17, \"unit\": \"celsius\"}"),
						ChatMessage.toolResult(london, "12 degrees"), ChatMessage.user("And in Rome?")))));

		// the model turn replays the calls with Google's placeholder signature; both
		// results
		// go in one user turn, named by their tool; a result that is not a JSON object is
		// wrapped
		server.verify(1, postRequestedFor(urlEqualTo(UNARY)).withRequestBody(equalToJson("""
				{ "contents": [
				  { "role": "user", "parts": [ { "text": "How warm is it?" } ] },
				  { "role": "model", "parts": [
				    { "functionCall": { "id": "call_0", "name": "get_current_temperature",
				        "args": { "location": "Paris" } },
				      "thoughtSignature": "skip_thought_signature_validator" },
				    { "functionCall": { "id": "call_1", "name": "get_current_temperature",
				        "args": { "location": "London" } },
				      "thoughtSignature": "skip_thought_signature_validator" } ] },
				  { "role": "user", "parts": [
				    { "functionResponse": { "id": "call_0", "name": "get_current_temperature",
				        "response": { "temperature": 17, "unit": "celsius" } } },
				    { "functionResponse": { "id": "call_1", "name": "get_current_temperature",
				        "response": { "output": "12 degrees" } } } ] },
				  { "role": "user", "parts": [ { "text": "And in Rome?" } ] }
				] }""", false, true)));
	}

	@Test
	void inlineImagesGoAsInlineDataAfterTheText() {
		answerWithText();
		success(gemini().chat(new ChatRequest(
				List.of(ChatMessage.user("What is on this chart?",
						List.of(ImageInput.base64("image/png", "iVBORw0KGgo=")))),
				null, null, null, ResponseFormat.TEXT)));

		server.verify(1, postRequestedFor(urlEqualTo(UNARY)).withRequestBody(equalToJson("""
				{ "contents": [ { "role": "user", "parts": [
				  { "text": "What is on this chart?" },
				  { "inlineData": { "mimeType": "image/png", "data": "iVBORw0KGgo=" } } ] } ] }""", false, true)));
	}

	@Test
	void anImageUrlFailsAsABadRequestBeforeAnythingIsSent() {
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("Describe it.", List.of(ImageInput.url("https://example.com/chart.png")))),
				null, null, null, ResponseFormat.TEXT);

		ProviderException unary = failure(gemini().chat(request));
		ProviderException streamed = failure(gemini().stream(request).collectList());

		assertThat(unary.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(unary.getHttpStatus()).isNull();
		assertThat(unary.getMessage()).contains("inline base64 data only");
		assertThat(streamed.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void toolParametersThatAreNotAJsonObjectFailAsABadRequestBeforeAnythingIsSent() {
		ToolDefinition broken = new ToolDefinition("lookup", "Looks up.", "{\"type\": \"object\",");

		ProviderException failure = failure(
				gemini().chat(ChatRequest.ofUser("Look it up.").withTools(List.of(broken), null)));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(failure.getMessage()).contains("the parameters of tool lookup must be a JSON object");
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	private static void answerWithText() {
		server.stubFor(post(urlEqualTo(UNARY)).willReturn(okJson(fixture("gemini/generate-content.json"))));
	}

	private static ChatRequest weatherRequest() {
		return ChatRequest.ofUser("How warm is it in Paris and London?").withTools(List.of(WEATHER), ToolChoice.AUTO);
	}

	private static String functionCallingConfig(ToolChoice choice) {
		server.resetRequests();
		success(gemini().chat(ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), choice)));
		String body = server.getAllServeEvents().get(0).getRequest().getBodyAsString();
		return HttpLlmProvider.JSON.readTree(body).path("toolConfig").path("functionCallingConfig").toString();
	}

	private static LlmProvider gemini() {
		return ProviderTestKit.provider(ProviderType.GEMINI, baseUrl(server));
	}

}
