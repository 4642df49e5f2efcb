package io.llmfallback.openaiapi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.models.Model;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.WireMockProviders;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.StreamFault;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The official OpenAI Java SDK, pointed at the endpoint, as the client: it reads the
 * chains' answers, unary and streamed, through a fallback (an OpenAI primary that answers
 * 503, an Anthropic fallback), with its response validation on, so every field it
 * requires is there in the type it expects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.fallback.openai-api.enabled=true",
				"llm.fallback.openai-api.api-keys=" + OpenAiApiSdkIntegrationTests.KEY,
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o-mini",
				"llm.fallback.providers.claude.type=anthropic", "llm.fallback.providers.claude.model=claude-sonnet-4-5",
				"llm.fallback.chains.summarize.providers=gpt,claude", "llm.fallback.chains.solo.providers=gpt",
				"llm.fallback.providers.endless.type=openai", "llm.fallback.providers.endless.model=gpt-4o-mini",
				"llm.fallback.chains.endless.providers=endless",
				// Every failure a breaker counts would otherwise open it in the middle of
				// the class.
				"llm.fallback.circuit-breaker.failure-threshold=1000" })
class OpenAiApiSdkIntegrationTests {

	static final String KEY = "gw-test-key-0123456789";

	private static final String OPENAI = "/v1/chat/completions";

	private static final String ANTHROPIC = "/v1/messages";

	@RegisterExtension
	static final WireMockExtension providers = WireMockProviders.server();

	/**
	 * An OpenAI provider whose stream never ends, once a test makes it stall after its
	 * first chunk.
	 */
	@RegisterExtension
	static final SimulatedProviderExtension simulated = new SimulatedProviderExtension().provider("endless",
			WireProtocol.OPENAI);

	@LocalServerPort
	private int port;

	private final List<OpenAIClient> clients = new ArrayList<>();

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", providers::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", providers::baseUrl);
		simulated.registerBaseUrls(registry);
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(OpenAIClient::close);
	}

	@Test
	void aUnaryAnswerComesFromTheFallbackWithItsModelAndUsage() {
		serve(OPENAI, 503, Fixtures.read("openai/error-503-server-overloaded.json"), "application/json");
		serve(ANTHROPIC, 200, Fixtures.read("anthropic/message.json"), "application/json");

		ChatCompletion completion = client(KEY).chat().completions().create(params("summarize").build());

		assertThat(completion.choices()).hasSize(1);
		assertThat(completion.choices().get(0).message().content())
			.hasValue("The fallback answered because the primary's breaker was open.");
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		assertThat(completion.model()).isEqualTo("claude-sonnet-4-5-20250929");
		assertThat(completion.usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.promptTokens()).isEqualTo(48);
			assertThat(usage.completionTokens()).isEqualTo(17);
			assertThat(usage.totalTokens()).isEqualTo(65);
		});
		assertThat(completion.id()).startsWith("chatcmpl-");
	}

	@Test
	void aStreamedAnswerComesFromTheFallbackWithEveryDeltaAndTheUsage() {
		serve(OPENAI, 503, Fixtures.read("openai/error-503-server-overloaded.json"), "application/json");
		serve(ANTHROPIC, 200, Fixtures.read("anthropic/message-stream.sse"), "text/event-stream");
		ChatCompletionCreateParams params = params("summarize")
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build();

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat().completions().createStreaming(params)) {
			chunks = stream.stream().toList();
		}

		assertThat(chunks.get(0).choices().get(0).delta().role())
			.hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
		assertThat(deltas(chunks)).containsExactly("Hello", "!");
		ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
		assertThat(finish.choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
		ChatCompletionChunk last = chunks.get(chunks.size() - 1);
		assertThat(last.choices()).isEmpty();
		assertThat(last.usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.promptTokens()).isEqualTo(25);
			assertThat(usage.completionTokens()).isEqualTo(15);
		});
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.model()).isEqualTo("claude-sonnet-4-5-20250929"));
		assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
	}

	@Test
	void aProviderThatReportsNoUsageStillGivesTheCallerItsUsageEstimated() {
		// The provider's stream without its usage event (an OpenAI-compatible server that
		// ignores include_usage).
		String complete = Fixtures.read("openai/chat-completion-stream.sse");
		String withoutUsage = complete.substring(0, complete.lastIndexOf("data: {", complete.indexOf("\"choices\":[]")))
				+ "data: [DONE]\n\n";
		serve(OPENAI, 200, withoutUsage, "text/event-stream");
		ChatCompletionCreateParams params = params("solo")
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build();

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat().completions().createStreaming(params)) {
			chunks = stream.stream().toList();
		}

		assertThat(deltas(chunks)).containsExactly("Hello", " there!");
		// "Be brief." and "Say hello" are 18 characters, about 5 tokens; "Hello there!"
		// 12, about 3.
		assertThat(chunks.get(chunks.size() - 1).usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.promptTokens()).isEqualTo(5);
			assertThat(usage.completionTokens()).isEqualTo(3);
		});
	}

	@Test
	void theSdkReadsAToolCallAnswerAndSendsItsResultsBack() {
		serve(OPENAI, 200, Fixtures.read("openai/chat-completion-tool-calls.json"), "application/json");
		ChatCompletionCreateParams first = params("solo").addTool(INCIDENT)
			.toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
			.seed(7L)
			.topP(0.5)
			.build();

		ChatCompletion calls = client(KEY).chat().completions().create(first);

		ChatCompletion.Choice choice = calls.choices().get(0);
		assertThat(choice.message().content()).isEmpty();
		assertTheFixturesTwoToolCalls(choice);
		providers.verify(postRequestedFor(urlPathEqualTo(OPENAI)).withRequestBody(equalToJson(
				"""
						{"tools":[{"type":"function","function":{"name":"get_incident","description":"Looks an incident up by id",
						  "parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}}],
						 "tool_choice":"required","seed":7,"top_p":0.5}
						""",
				false, true)));

		serve(OPENAI, 200, Fixtures.read("openai/chat-completion.json"), "application/json");
		ChatCompletionCreateParams.Builder next = first.toBuilder().addMessage(choice.message());
		for (ChatCompletionMessageToolCall call : choice.message().toolCalls().orElseThrow()) {
			next.addMessage(ChatCompletionToolMessageParam.builder()
				.toolCallId(call.asFunction().id())
				.content("result of " + call.asFunction().function().name())
				.build());
		}

		ChatCompletion answer = client(KEY).chat().completions().create(next.build());

		assertThat(answer.choices().get(0).message().content())
			.hasValueSatisfying((text) -> assertThat(text).startsWith("A breaker that is open"));
		assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		providers.verify(postRequestedFor(urlPathEqualTo(OPENAI)).withRequestBody(equalToJson(
				"""
						{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"},
						  {"role":"assistant","content":null,"tool_calls":[
						    {"id":"call_Kp7rT2wXq9LmZ4vB1nHc8sYd","type":"function",
						     "function":{"name":"get_incident","arguments":"{\\"id\\":\\"INC-42\\"}"}},
						    {"id":"call_Rf3nW8yZk1QpX6tM0vLj2hGe","type":"function",
						     "function":{"name":"get_runbook","arguments":"{\\"service\\":\\"payments\\",\\"section\\":\\"rate limits\\"}"}}]},
						  {"role":"tool","tool_call_id":"call_Kp7rT2wXq9LmZ4vB1nHc8sYd","content":"result of get_incident"},
						  {"role":"tool","tool_call_id":"call_Rf3nW8yZk1QpX6tM0vLj2hGe","content":"result of get_runbook"}]}
						""",
				false, true)));
	}

	@Test
	void theSdkReadsAStreamedToolCallAnswer() {
		serve(OPENAI, 200, Fixtures.read("openai/chat-completion-tool-calls-stream.sse"), "text/event-stream");
		ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat()
			.completions()
			.createStreaming(params("solo").addTool(INCIDENT).build())) {
			chunks = stream.stream().map(accumulator::accumulate).toList();
		}

		assertThat(chunks).flatExtracting((chunk) -> chunk.choices())
			.flatExtracting((choice) -> choice.delta().toolCalls().orElse(List.of()))
			.extracting(ChatCompletionChunk.Choice.Delta.ToolCall::index)
			.containsExactly(0L, 1L);
		ChatCompletion.Choice choice = accumulator.chatCompletion().choices().get(0);
		assertTheFixturesTwoToolCalls(choice);
	}

	@Test
	void aStreamWithoutUsageRequestedEndsWithTheFinishReason() {
		serve(OPENAI, 200, Fixtures.read("openai/chat-completion-stream.sse"), "text/event-stream");

		List<ChatCompletionChunk> chunks;
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat()
			.completions()
			.createStreaming(params("solo").build())) {
			chunks = stream.stream().toList();
		}

		assertThat(deltas(chunks)).containsExactly("Hello", " there!");
		assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
			.hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.usage()).isEmpty());
	}

	@Test
	void aStreamCutAfterTextRaisesAnErrorAfterTheDeltasAndNeverFallsOver() {
		String complete = Fixtures.read("openai/chat-completion-stream.sse");
		// The first event with text, and then the body ends: no [DONE].
		serve(OPENAI, 200, complete.substring(0, complete.indexOf("\n\n", complete.indexOf("Hello")) + 2),
				"text/event-stream");
		serve(ANTHROPIC, 200, Fixtures.read("anthropic/message-stream.sse"), "text/event-stream");

		List<String> received = new ArrayList<>();
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat()
			.completions()
			.createStreaming(params("summarize").build())) {
			assertThatExceptionOfType(SseException.class)
				.isThrownBy(() -> stream.stream().forEach((chunk) -> received.addAll(deltas(List.of(chunk)))))
				.satisfies((ex) -> {
					assertThat(ex.getMessage()).contains("was cut off after 5 characters")
						.contains("gpt: stream-truncated")
						.contains("the text received is incomplete");
					assertThat(ex.code()).hasValue("stream_interrupted");
				});
		}

		assertThat(received).containsExactly("Hello");
		providers.verify(0, postRequestedFor(urlPathEqualTo(ANTHROPIC)));
	}

	@Test
	void closingTheStreamCancelsTheProvidersRequest() {
		SimulatedProvider endless = simulated.get("endless");
		endless.answerWith("Hello");
		endless.inject(new Fault(StreamFault.stallAfter(1)));
		try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat()
			.completions()
			.createStreaming(params("endless").build())) {
			Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
			List<String> received = new ArrayList<>();
			while (received.isEmpty()) {
				received.addAll(deltas(List.of(chunks.next())));
			}
			assertThat(received).containsExactly("Hello");
			assertThat(endless.inFlight()).isOne();
		}

		// Well within the provider's 20 s stall limit, which would end the call by
		// itself.
		await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(endless.inFlight()).isZero());
	}

	@Test
	void aStreamThatFailsBeforeItsFirstChunkIsAnErrorResponse() {
		serve(OPENAI, 503, Fixtures.read("openai/error-503-server-overloaded.json"), "application/json");

		assertThatExceptionOfType(InternalServerException.class).isThrownBy(() -> {
			try (StreamResponse<ChatCompletionChunk> stream = client(KEY).chat()
				.completions()
				.createStreaming(params("solo").build())) {
				stream.stream().toList();
			}
		}).satisfies((ex) -> {
			assertThat(ex.statusCode()).isEqualTo(503);
			assertThat(ex.code()).hasValue("chain_exhausted");
			assertThat(ex.getMessage()).contains("No provider of chain 'solo' could answer (gpt: overloaded)");
		});
	}

	@Test
	void anExhaustedChainIs503AndTheSdkDoesNotRetryIt() {
		serve(OPENAI, 503, Fixtures.read("openai/error-503-server-overloaded.json"), "application/json");
		serve(ANTHROPIC, 529, Fixtures.read("anthropic/error-529-overloaded.json"), "application/json");

		assertThatExceptionOfType(InternalServerException.class)
			.isThrownBy(() -> client(KEY).chat().completions().create(params("summarize").build()))
			.satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(503);
				assertThat(ex.getMessage()).contains("gpt: overloaded, claude: overloaded");
			});
		providers.verify(1, postRequestedFor(urlPathEqualTo(OPENAI)));
	}

	@Test
	void theModelsAreTheChains() {
		List<Model> models = client(KEY).models().list().data();

		assertThat(models).extracting(Model::id).containsExactlyInAnyOrder("summarize", "solo", "endless");
		assertThat(models).allSatisfy((model) -> assertThat(model.ownedBy()).isEqualTo("llm-fallback"));
	}

	@Test
	void aWrongKeyIsUnauthorized() {
		assertThatExceptionOfType(UnauthorizedException.class)
			.isThrownBy(() -> client("gw-test-key-0123456788").chat().completions().create(params("summarize").build()))
			.satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(401);
				assertThat(ex.code()).hasValue("invalid_api_key");
				assertThat(ex.getMessage()).doesNotContain("gw-test-key");
			});
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(() -> client("wrong").models().list());
		providers.verify(0, postRequestedFor(urlPathEqualTo(OPENAI)));
	}

	@Test
	void anUnknownChainIsModelNotFound() {
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> client(KEY).chat().completions().create(params("gpt-4o").build()))
			.satisfies((ex) -> {
				assertThat(ex.code()).hasValue("model_not_found");
				assertThat(ex.param()).hasValue("model");
			});
	}

	private static final ChatCompletionFunctionTool INCIDENT = ChatCompletionFunctionTool.builder()
		.function(FunctionDefinition.builder()
			.name("get_incident")
			.description("Looks an incident up by id")
			.parameters(FunctionParameters.builder()
				.putAdditionalProperty("type", JsonValue.from("object"))
				.putAdditionalProperty("properties", JsonValue.from(Map.of("id", Map.of("type", "string"))))
				.putAdditionalProperty("required", JsonValue.from(List.of("id")))
				.build())
			.build())
		.build();

	private OpenAIClient client(String key) {
		OpenAIClient client = OpenAIOkHttpClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port + "/v1")
			.apiKey(key)
			.responseValidation(true)
			.build();
		this.clients.add(client);
		return client;
	}

	private static ChatCompletionCreateParams.Builder params(String chain) {
		return ChatCompletionCreateParams.builder()
			.model(chain)
			.addSystemMessage("Be brief.")
			.addUserMessage("Say hello")
			.maxCompletionTokens(100);
	}

	/**
	 * The calls of the {@code chat-completion-tool-calls} fixtures, unary and streamed,
	 * in their order, as the SDK reads them.
	 */
	private static void assertTheFixturesTwoToolCalls(ChatCompletion.Choice choice) {
		assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertThat(choice.message().toolCalls().orElseThrow()).extracting(ChatCompletionMessageToolCall::asFunction)
			.extracting(ChatCompletionMessageFunctionToolCall::id, (call) -> call.function().name(),
					(call) -> call.function().arguments())
			.containsExactly(tuple("call_Kp7rT2wXq9LmZ4vB1nHc8sYd", "get_incident", "{\"id\":\"INC-42\"}"),
					tuple("call_Rf3nW8yZk1QpX6tM0vLj2hGe", "get_runbook",
							"{\"service\":\"payments\",\"section\":\"rate limits\"}"));
	}

	/** The text of each chunk that has some. */
	private static List<String> deltas(List<ChatCompletionChunk> chunks) {
		return chunks.stream()
			.flatMap((chunk) -> chunk.choices().stream())
			.flatMap((choice) -> choice.delta().content().stream())
			.filter((text) -> !text.isEmpty())
			.toList();
	}

	private static void serve(String path, int status, String body, String contentType) {
		providers.stubFor(post(urlPathEqualTo(path))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body)));
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
