package io.llmfallback.provider.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.CALL_TIMEOUT;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.mutatedFixture;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anthropic messages with tools, images and sampling settings: the request on the wire
 * (tool definitions, tool choice, tool calls and results in the conversation, images,
 * stop sequences, top_p), and tool calls read from a message and from a stream.
 * <p>
 * Request shapes follow Anthropic's API reference:
 * https://platform.claude.com/docs/en/api/messages (tools, tool_choice, stop_sequences,
 * top_p; no seed),
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use
 * (tool_use and tool_result blocks),
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/parallel-tool-use (the
 * results of parallel calls together in the next user message, before any text) and
 * https://platform.claude.com/docs/en/build-with-claude/vision (image blocks with a
 * base64 or url source).
 */
class AnthropicProviderToolsTest {

	private static final String PATH = "/v1/messages";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String WEATHER_SCHEMA = """
			{"type":"object","properties":{"location":{"type":"string"},\
			"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}""";

	/** {@link #WEATHER} and {@link #TIME} as Anthropic takes them. */
	private static final String TOOLS_JSON = """
			[ { "name": "get_weather", "description": "Get the current weather in a given location",
			    "input_schema": %s },
			  { "name": "get_time", "description": "Get the current time in a time zone",
			    "input_schema": { "type": "object", "properties": { "timezone": { "type": "string" } } } } ]"""
		.formatted(WEATHER_SCHEMA);

	/** {@link #WEATHER_CALL} and {@link #TIME_CALL} as Anthropic takes them. */
	private static final String TOOL_USE_JSON = """
			{ "type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
			  "input": { "location": "San Francisco, CA", "unit": "celsius" } },
			{ "type": "tool_use", "id": "toolu_01B18r01rx01mr028946mr0", "name": "get_time",
			  "input": { "timezone": "America/Los_Angeles" } }""";

	private static final ToolDefinition WEATHER = new ToolDefinition("get_weather",
			"Get the current weather in a given location", WEATHER_SCHEMA);

	private static final ToolDefinition TIME = new ToolDefinition("get_time", "Get the current time in a time zone",
			"{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}}}");

	private static final ToolCall WEATHER_CALL = new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
			"{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}");

	private static final ToolCall TIME_CALL = new ToolCall("toolu_01B18r01rx01mr028946mr0", "get_time",
			"{\"timezone\":\"America/Los_Angeles\"}");

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@BeforeEach
	void answerWithMessage() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("anthropic/message.json"))));
	}

	// ---- The request

	@Test
	void toolsGoAsNameDescriptionAndInputSchemaObjects() {
		send(ChatRequest.ofUser("Weather and time in San Francisco?").withTools(List.of(WEATHER, TIME), null));

		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [ { "role": "user", "content": "Weather and time in San Francisco?" } ],
				  "tools": %s
				}""".formatted(TOOLS_JSON));
	}

	static Stream<Arguments> toolChoices() {
		return Stream.of(Arguments.of(ToolChoice.AUTO, "{\"type\":\"auto\"}"),
				Arguments.of(ToolChoice.REQUIRED, "{\"type\":\"any\"}"),
				Arguments.of(ToolChoice.tool("get_weather"), "{\"type\":\"tool\",\"name\":\"get_weather\"}"),
				Arguments.of(ToolChoice.NONE, "{\"type\":\"none\"}"));
	}

	@ParameterizedTest
	@MethodSource("toolChoices")
	void toolChoiceGoesInAnthropicsVocabulary(ToolChoice choice, String expected) {
		send(ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), choice));

		assertThat(sentBody().path("tool_choice")).isEqualTo(JSON.readTree(expected));
	}

	@Test
	void noToolChoiceWithoutTools() {
		// Anthropic refuses a tool_choice without tools; with none, none is called.
		send(ChatRequest.ofUser("Weather?").withTools(List.of(), ToolChoice.NONE));

		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [ { "role": "user", "content": "Weather?" } ]
				}""");
	}

	@Test
	void anEmptyDescriptionIsLeftOutAndBlankArgumentsAreAnEmptyInput() {
		ToolDefinition ping = new ToolDefinition("ping", "", "{\"type\":\"object\"}");
		ToolCall call = new ToolCall("toolu_01", "ping", " ");
		send(new ChatRequest(List.of(ChatMessage.user("Ping."), ChatMessage.assistant("", List.of(call)),
				ChatMessage.toolResult(call, "pong")), null, null, null, ResponseFormat.TEXT)
			.withTools(List.of(ping), null));

		assertThat(sentBody().path("tools")).isEqualTo(JSON.readTree("""
				[ { "name": "ping", "input_schema": { "type": "object" } } ]"""));
		assertThat(sentBody().path("messages").path(1).path("content")).isEqualTo(JSON.readTree("""
				[ { "type": "tool_use", "id": "toolu_01", "name": "ping", "input": {} } ]"""));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[]", "\"object\"", "{\"type\":", "not json", "" })
	void toolParametersThatAreNotAJsonObjectFailAsBadRequestBeforeSending(String parameters) {
		ChatRequest request = ChatRequest.ofUser("Weather?")
			.withTools(List.of(new ToolDefinition("get_weather", "Weather", parameters)), null);

		ProviderException failure = failure(provider().chat(request));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(failure.getMessage()).contains("the parameters of tool 'get_weather' must be a JSON object");
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void toolCallArgumentsThatAreNotAJsonObjectFailAsBadRequestBeforeSending() {
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("Weather?"),
						ChatMessage.assistant("", List.of(new ToolCall("call_1", "get_weather", "[\"SF\"]"))),
						ChatMessage.toolResult(new ToolCall("call_1", "get_weather", "[\"SF\"]"), "15 C")),
				null, null, null, ResponseFormat.TEXT)
			.withTools(List.of(WEATHER), null);

		ProviderException failure = failure(provider().stream(request).then());

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(failure.getMessage()).contains("the arguments of tool call 'call_1' must be a JSON object");
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void toolCallsAreToolUseBlocksAndTheResultsOfParallelCallsOneUserTurn() {
		send(conversationWithParallelCalls());

		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [
				    { "role": "user", "content": "Weather and time in San Francisco?" },
				    { "role": "assistant", "content": [
				      { "type": "text", "text": "I'll check the weather and the local time in San Francisco." },
				      %s ] },
				    { "role": "user", "content": [
				      { "type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9",
				        "content": "15 degrees, fog" },
				      { "type": "tool_result", "tool_use_id": "toolu_01B18r01rx01mr028946mr0",
				        "content": "09:41" } ] }
				  ],
				  "tools": %s
				}""".formatted(TOOL_USE_JSON, TOOLS_JSON));
	}

	@Test
	void rolesAlternateWhateverTheConversation() {
		// Tool results followed by a user message, an assistant turn of tool calls alone,
		// a second user message in a row, a system message between: each run of one
		// role is one turn, its tool results first.
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("Weather in San Francisco?"), ChatMessage.user("In celsius."),
						ChatMessage.assistant("", List.of(WEATHER_CALL, TIME_CALL)),
						ChatMessage.toolResult(WEATHER_CALL, "15 degrees, fog"), ChatMessage.system("Be brief."),
						ChatMessage.toolResult(TIME_CALL, ""), ChatMessage.user("And is it day?"),
						ChatMessage.assistant("It is"), ChatMessage.assistant("day")),
				null, null, null, ResponseFormat.TEXT)
			.withTools(List.of(WEATHER, TIME), ToolChoice.AUTO);

		send(request);

		JsonNode messages = sentBody().path("messages");
		assertThat(messages).extracting((message) -> message.path("role").stringValue())
			.containsExactly("user", "assistant", "user", "assistant");
		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "system": "Be brief.",
				  "messages": [
				    { "role": "user", "content": [
				      { "type": "text", "text": "Weather in San Francisco?" },
				      { "type": "text", "text": "In celsius." } ] },
				    { "role": "assistant", "content": [
				      %s ] },
				    { "role": "user", "content": [
				      { "type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9",
				        "content": "15 degrees, fog" },
				      { "type": "tool_result", "tool_use_id": "toolu_01B18r01rx01mr028946mr0" },
				      { "type": "text", "text": "And is it day?" } ] },
				    { "role": "assistant", "content": [
				      { "type": "text", "text": "It is" },
				      { "type": "text", "text": "day" } ] }
				  ],
				  "tools": %s,
				  "tool_choice": { "type": "auto" }
				}""".formatted(TOOL_USE_JSON, TOOLS_JSON));
	}

	@Test
	void aPrefillAfterToolResultsIsTheLastAssistantTurn() {
		send(conversationWithParallelCalls().withPrefill("In San Francisco it is "));

		JsonNode messages = sentBody().path("messages");
		assertThat(messages).extracting((message) -> message.path("role").stringValue())
			.containsExactly("user", "assistant", "user", "assistant");
		assertThat(messages.path(3).path("content").stringValue()).isEqualTo("In San Francisco it is");
	}

	@Test
	void imagesFollowTheTextAsUrlAndBase64ImageBlocks() {
		ImageInput photo = ImageInput.url("https://example.com/ant.jpg");
		ImageInput pixel = ImageInput.base64("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ");
		send(new ChatRequest(
				List.of(ChatMessage.user("What differs between these two?", List.of(photo, pixel)),
						ChatMessage.assistant("The first is a photo."),
						ChatMessage.user("", List.of(ImageInput.url("https://example.com/third.webp")))),
				null, null, null, ResponseFormat.TEXT));

		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [
				    { "role": "user", "content": [
				      { "type": "text", "text": "What differs between these two?" },
				      { "type": "image", "source": { "type": "url", "url": "https://example.com/ant.jpg" } },
				      { "type": "image", "source": { "type": "base64", "media_type": "image/png",
				        "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ" } } ] },
				    { "role": "assistant", "content": "The first is a photo." },
				    { "role": "user", "content": [
				      { "type": "image", "source": { "type": "url", "url": "https://example.com/third.webp" } } ] }
				  ]
				}""");
	}

	@Test
	void stopSequencesAndTopPAreSentAndSeedIsNot() {
		send(ChatRequest.ofUser("Count to ten.").withSampling(List.of("\n\nHuman:", "7"), 0.9, 42L));

		// strict: Anthropic's API has no seed
		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [ { "role": "user", "content": "Count to ten." } ],
				  "stop_sequences": [ "\\n\\nHuman:", "7" ],
				  "top_p": 0.9
				}""");
	}

	@Test
	void temperatureWinsOverTopPWhichCurrentModelsRefuseAlongsideIt() {
		send(ChatRequest.ofUser("Count to ten.").withTemperature(0.2).withSampling(List.of(), 0.9, null));

		assertSent("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "messages": [ { "role": "user", "content": "Count to ten." } ],
				  "temperature": 0.2
				}""");
	}

	@Test
	void aStreamedRequestCarriesTheToolsToo() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(eventStream(fixture("anthropic/message-stream.sse"))));

		chunks(ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), ToolChoice.REQUIRED));

		assertThat(sentBody().path("stream").booleanValue()).isTrue();
		assertThat(sentBody().path("tools").path(0).path("input_schema")).isEqualTo(JSON.readTree(WEATHER_SCHEMA));
		assertThat(sentBody().path("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"any\"}"));
	}

	// ---- The answer

	@Test
	void parsesTextAndTwoToolUseBlocks() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(fixture("anthropic/message-tool-use.json"))));

		ChatResponse response = success(provider()
			.chat(ChatRequest.ofUser("Weather and time in San Francisco?").withTools(List.of(WEATHER, TIME), null)));

		assertThat(response.text()).isEqualTo("I'll check the weather and the local time in San Francisco.");
		assertThat(response.toolCalls()).containsExactly(WEATHER_CALL, TIME_CALL);
		assertThat(response.finishReason()).isEqualTo("tool_use");
		assertThat(response.usage()).isEqualTo(new TokenUsage(512, 118));
		assertThat(response.model()).isEqualTo("claude-sonnet-4-5-20250929");
	}

	@Test
	void anAnswerOfToolUseAloneIsWhole() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(mutatedFixture("anthropic/message-tool-use.json",
				(body) -> ((ArrayNode) body.path("content")).remove(0)))));

		ChatResponse response = success(
				provider().chat(ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), null)));

		assertThat(response.text()).isEmpty();
		assertThat(response.toolCalls()).containsExactly(WEATHER_CALL, TIME_CALL);
		assertThat(response.hasToolCalls()).isTrue();
	}

	@Test
	void aToolUseBlockWithoutAToolNameIsAnInvalidResponse() {
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(mutatedFixture("anthropic/message-tool-use.json",
				(body) -> ((ObjectNode) body.path("content").path(1)).remove("name")))));

		assertThat(failure(provider().chat(ChatRequest.ofUser("Weather?"))).getCategory())
			.isEqualTo(FailureCategory.INVALID_RESPONSE);
	}

	// ---- The stream

	@Test
	void streamsTextThenTwoToolCallsAssembledFromTheirInputJsonDeltasOnTheLastChunk() {
		server.stubFor(
				post(urlPathEqualTo(PATH)).willReturn(eventStream(fixture("anthropic/message-stream-tool-use.sse"))));

		List<ChatChunk> chunks = chunks(
				ChatRequest.ofUser("Weather and time?").withTools(List.of(WEATHER, TIME), null));

		String model = "claude-sonnet-4-5-20250929";
		assertThat(chunks).containsExactly(new ChatChunk("Okay, let's check", null, null, model),
				new ChatChunk(" the weather and the time.", null, null, model),
				new ChatChunk("", "tool_use", new TokenUsage(472, 89, 0), model,
						List.of(new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
								"{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"),
								new ToolCall("toolu_01U2y2gK45rBnl3UOuSo8Vq7", "get_time",
										"{\"timezone\": \"America/Los_Angeles\"}"))));
		for (ToolCall call : chunks.get(2).toolCalls()) {
			assertThat(JSON.readTree(call.arguments()).isObject()).isTrue();
		}
	}

	@Test
	void aStreamOfToolUseAloneIsNotEmpty() {
		String toolUseOnly = Stream.of(fixture("anthropic/message-stream-tool-use.sse").split("\n\n"))
			.filter((event) -> !event.contains("\"index\":0"))
			.reduce("", (stream, event) -> stream + event + "\n\n");
		server.stubFor(post(urlPathEqualTo(PATH)).willReturn(eventStream(toolUseOnly)));

		List<ChatChunk> chunks = chunks(
				ChatRequest.ofUser("Weather and time?").withTools(List.of(WEATHER, TIME), null));

		assertThat(chunks).hasSize(1);
		assertThat(chunks.get(0).text()).isEmpty();
		assertThat(chunks.get(0).toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
		assertThat(chunks.get(0).finishReason()).isEqualTo("tool_use");
	}

	@Test
	void anInputJsonDeltaWithoutIndexIsAnInvalidResponse() {
		server.stubFor(post(urlPathEqualTo(PATH))
			.willReturn(eventStream(fixture("anthropic/message-stream-tool-use.sse").replace("\"index\":2,", ""))));

		ProviderException failure = failure(provider().stream(ChatRequest.ofUser("Weather?")).collectList());

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
	}

	private static ChatRequest conversationWithParallelCalls() {
		return new ChatRequest(List.of(ChatMessage.user("Weather and time in San Francisco?"),
				ChatMessage.assistant("I'll check the weather and the local time in San Francisco.",
						List.of(WEATHER_CALL, TIME_CALL)),
				ChatMessage.toolResult(WEATHER_CALL, "15 degrees, fog"), ChatMessage.toolResult(TIME_CALL, "09:41")),
				null, null, null, ResponseFormat.TEXT)
			.withTools(List.of(WEATHER, TIME), null);
	}

	private static LlmProvider provider() {
		return ProviderTestKit.provider(ProviderType.ANTHROPIC, baseUrl(server));
	}

	private static void send(ChatRequest request) {
		success(provider().chat(request));
	}

	private static List<ChatChunk> chunks(ChatRequest request) {
		AtomicReference<List<ChatChunk>> chunks = new AtomicReference<>();
		StepVerifier.create(provider().stream(request).collectList())
			.consumeNextWith(chunks::set)
			.expectComplete()
			.verify(CALL_TIMEOUT);
		return chunks.get();
	}

	/** Strict: no field beyond those expected, in arrays of the same order. */
	private static void assertSent(String expected) {
		server.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson(expected)));
	}

	private static JsonNode sentBody() {
		return JSON.readTree(server.getAllServeEvents().get(0).getRequest().getBodyAsString());
	}

	private static ResponseDefinitionBuilder eventStream(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
	}

}
