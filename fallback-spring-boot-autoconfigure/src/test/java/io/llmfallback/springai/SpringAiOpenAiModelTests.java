package io.llmfallback.springai;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackSpringAiAutoConfiguration;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.StreamedThroughChain;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.converter.BeanOutputConverter;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Spring AI's own OpenAI model (the official SDK's client underneath) as a provider of a
 * chain, and {@code ChatClient}'s native structured output through a chain, both over
 * loopback HTTP in OpenAI's wire format
 * (https://platform.openai.com/docs/api-reference/chat/create: {@code tools},
 * {@code response_format} of type {@code json_schema}).
 */
class SpringAiOpenAiModelTests {

	@RegisterExtension
	static final WireMockExtension openAi = WireMockProviders.server();

	private static final String WEATHER = "{\\\"city\\\":\\\"Paris\\\",\\\"celsius\\\":24}";

	private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
			+ "\"celsius\":{\"type\":\"integer\"}},\"required\":[\"city\",\"celsius\"],\"additionalProperties\":false}";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackSpringAiAutoConfiguration.class));

	/**
	 * A chain whose one provider is Spring AI's OpenAI model, with the SDK's retries off
	 * and a default temperature of its own.
	 */
	private ApplicationContextRunner withSpringAiOpenAiModel() {
		return withSpringAiOpenAiModel((options) -> options.temperature(0.3).maxRetries(0));
	}

	/** A chain whose one provider is Spring AI's OpenAI model with these options. */
	private ApplicationContextRunner withSpringAiOpenAiModel(Consumer<OpenAiChatOptions.Builder> customizer) {
		OpenAiChatOptions.Builder options = OpenAiChatOptions.builder()
			.baseUrl(openAi.baseUrl() + "/v1")
			.apiKey("sk-test-key-1234567890")
			.model("gpt-4o");
		customizer.accept(options);
		return this.contextRunner
			.withBean("openAiChatModel", ChatModel.class,
					() -> OpenAiChatModel.builder().options(options.build()).build())
			.withPropertyValues("llm.fallback.providers.gpt.type=spring-ai",
					"llm.fallback.providers.gpt.bean=openAiChatModel", "llm.fallback.providers.gpt.model=gpt-4o-mini",
					"llm.fallback.chains.assistant.providers=gpt");
	}

	@Test
	void springAisOpenAiModelIsSentTheRequestsToolsAndSchemaInItsOwnOptions() {
		openAi.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion(WEATHER, 30, 9)));
		withSpringAiOpenAiModel().run((context) -> {
			ChatRequest request = ChatRequest.ofUser("The weather in Paris?")
				.withTools(List.of(new ToolDefinition("currentWeather", "The current weather in a city",
						"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")), null)
				.withJsonSchema("weather", WEATHER_SCHEMA);

			ChainResponse served = context.getBean(FallbackChains.class).chain("assistant").chat(request).block();

			assertThat(served.text()).isEqualTo("{\"city\":\"Paris\",\"celsius\":24}");
			assertThat(served.attempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
				.containsExactly(tuple("gpt", "success"));
			openAi.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
				.withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
				// The model's own default, which the request leaves unset.
				.withRequestBody(matchingJsonPath("$.temperature", equalTo("0.3")))
				.withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("currentWeather")))
				.withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
				.withRequestBody(
						matchingJsonPath("$.response_format.json_schema.schema", equalToJson(WEATHER_SCHEMA))));
		});
	}

	@Test
	void springAisOpenAiModelStreamsTheAnswerWithItsUsage() {
		stream("chat-completion-stream.sse");
		withSpringAiOpenAiModel().run((context) -> {
			StreamedThroughChain streamed = StreamedThroughChain
				.stream(context.getBean(FallbackChains.class).chain("assistant"), ChatRequest.ofUser("Say hello"));

			assertThat(streamed.text()).isEqualTo("Hello there!");
			assertThat(streamed.served().response().usage()).isEqualTo(new TokenUsage(9, 3));
			assertThat(streamed.served().response().model()).isEqualTo("gpt-4o-mini-2024-07-18");
			openAi.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
				.withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
		});
	}

	@Test
	void springAisOpenAiModelStreamsParallelToolCallsWhole() {
		stream("chat-completion-tool-calls-stream.sse");
		withSpringAiOpenAiModel().run((context) -> {
			AtomicReference<ChainResponse> served = new AtomicReference<>();
			ChatRequest request = ChatRequest.ofUser("What do we know about INC-42?")
				.withTools(List.of(new ToolDefinition("get_incident", "An incident", "{\"type\":\"object\"}"),
						new ToolDefinition("get_runbook", "A runbook section", "{\"type\":\"object\"}")), null);

			context.getBean(FallbackChains.class)
				.chain("assistant")
				.stream(request, "chat", served::set)
				.then()
				.block();

			assertThat(served.get().toolCalls()).extracting(ToolCall::name, ToolCall::arguments)
				.containsExactly(tuple("get_incident", "{\"id\":\"INC-42\"}"),
						tuple("get_runbook", "{\"service\":\"payments\",\"section\":\"rate limits\"}"));
		});
	}

	@Test
	void springAisOpenAiModelsOwnObservationIsAChildOfTheAttemptCalledAndStreamed() {
		List<Observation.Context> started = new CopyOnWriteArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStart(Observation.Context context) {
				started.add(context);
			}

		});
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withBean("openAiChatModel", ChatModel.class,
					() -> OpenAiChatModel.builder()
						.options(OpenAiChatOptions.builder()
							.baseUrl(openAi.baseUrl() + "/v1")
							.apiKey("sk-test-key-1234567890")
							.model("gpt-4o")
							.maxRetries(0)
							.build())
						.observationRegistry(registry)
						.build())
			.withPropertyValues("llm.fallback.providers.gpt.type=spring-ai",
					"llm.fallback.providers.gpt.bean=openAiChatModel", "llm.fallback.providers.gpt.model=gpt-4o-mini",
					"llm.fallback.chains.assistant.providers=gpt")
			.run((context) -> {
				FallbackChain chain = context.getBean(FallbackChains.class).chain("assistant");
				openAi.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Hello.", 9, 2)));
				chain.chat(ChatRequest.ofUser("Say hello")).block();
				stream("chat-completion-stream.sse");
				chain.stream(ChatRequest.ofUser("Say hello"), "chat").then().block();

				List<Observation.Context> modelCalls = started.stream()
					.filter(ChatModelObservationContext.class::isInstance)
					.toList();
				assertThat(modelCalls).hasSize(2)
					.allSatisfy((call) -> assertThat(call.getParentObservation().getContextView())
						.isInstanceOfSatisfying(ChainAttemptObservationContext.class,
								(attempt) -> assertThat(attempt.provider().name()).isEqualTo("gpt")));
			});
	}

	/** OpenAI answers every request with the stream of that fixture. */
	private static void stream(String fixture) {
		openAi.stubFor(OpenAiStubs.chatCompletion().willReturn(Fixtures.eventStream("openai/" + fixture)));
	}

	@Test
	void springAisOpenAiModelFallsOverOnA503WithOneHttpCall() {
		openAi.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(503, "server_error", "", "The server is overloaded")));
		withSpringAiOpenAiModel()
			.withBean("backupModel", ChatModel.class,
					() -> (prompt) -> new ChatResponse(List.of(new Generation(new AssistantMessage("Hello there.")))))
			.withPropertyValues("llm.fallback.providers.backup.type=spring-ai",
					"llm.fallback.providers.backup.bean=backupModel", "llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=gpt,backup")
			.run((context) -> {
				ChainResponse served = context.getBean(FallbackChains.class)
					.chain("assistant")
					.chat(ChatRequest.ofUser("Say hello"))
					.block();

				assertThat(served.text()).isEqualTo("Hello there.");
				assertThat(served.attempts()).extracting(AttemptRecord::provider, AttemptRecord::category)
					.containsExactly(tuple("gpt", FailureCategory.OVERLOADED), tuple("backup", null));
				openAi.verify(1, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
			});
	}

	@Test
	void springAisOpenAiModelWhoseSdkWouldRetryInsideAnAttemptFailsStartUp() {
		withSpringAiOpenAiModel((options) -> {
		}).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("Provider 'gpt' calls Spring AI model bean 'openAiChatModel'")
			.hasMessageContaining("which lets its SDK client retry up to 3 times inside each attempt")
			.hasMessageContaining("maxRetries 0")
			.hasMessageNotContaining("sk-test"));
	}

	/**
	 * A chain of Spring AI's OpenAI model built, as Spring AI's OpenAI starter builds it,
	 * on an SDK client of its own, which retries as often as it was built to whatever the
	 * model's options say.
	 */
	private ApplicationContextRunner withModelOnAClientRetrying(int clientRetries) {
		return this.contextRunner
			.withBean("openAiChatModel", ChatModel.class,
					() -> OpenAiChatModel.builder()
						.openAiClient(OpenAIOkHttpClient.builder()
							.baseUrl(openAi.baseUrl() + "/v1")
							.apiKey("sk-test-key-1234567890")
							.maxRetries(clientRetries)
							.build())
						.openAiClientAsync(OpenAIOkHttpClientAsync.builder()
							.baseUrl(openAi.baseUrl() + "/v1")
							.apiKey("sk-test-key-1234567890")
							.maxRetries(clientRetries)
							.build())
						.options(OpenAiChatOptions.builder().model("gpt-4o").maxRetries(3 - clientRetries).build())
						.build())
			.withPropertyValues("llm.fallback.providers.gpt.type=spring-ai",
					"llm.fallback.providers.gpt.bean=openAiChatModel", "llm.fallback.providers.gpt.model=gpt-4o-mini",
					"llm.fallback.chains.assistant.providers=gpt");
	}

	@Test
	void aModelOnAClientThatRetriesFailsStartUpWhateverItsOptionsSay() {
		withModelOnAClientRetrying(2).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("Provider 'gpt' calls Spring AI model bean 'openAiChatModel', which lets its SDK "
					+ "client retry up to 2 times inside each attempt")
			.hasMessageContaining("set spring.ai.openai.chat.max-retries=0"));
	}

	@Test
	void aModelOnAClientWithoutRetriesMakesOneHttpCallPerAttemptWhateverItsOptionsSay() {
		openAi.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(503, "server_error", "", "The server is overloaded")));
		withModelOnAClientRetrying(0).run((context) -> {
			assertThatThrownBy(() -> context.getBean(FallbackChains.class)
				.chain("assistant")
				.chat(ChatRequest.ofUser("Say hello"))
				.block()).isInstanceOfSatisfying(ChainExhaustedException.class,
						(exhausted) -> assertThat(exhausted.getAttempts()).extracting(AttemptRecord::category)
							.containsExactly(FailureCategory.OVERLOADED));
			openAi.verify(1, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aRequestsTemperatureOverridesTheModelsAndItsOwnReasoningTokenCapRules(CapturedOutput output) {
		openAi.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Hello there.", 12, 5)));
		withSpringAiOpenAiModel((options) -> options.temperature(0.3).maxCompletionTokens(500).maxRetries(0))
			.run((context) -> {
				context.getBean(FallbackChains.class)
					.chain("assistant")
					.chat(ChatRequest.ofUser("Say hello").withTemperature(0.9))
					.block();

				openAi.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
					.withRequestBody(matchingJsonPath("$.temperature", equalTo("0.9")))
					.withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("500")))
					.withRequestBody(notContaining("\"max_tokens\"")));
				// Not sent a cap it would ignore, with a warning on every call.
				assertThat(output).doesNotContain("Both maxTokens and maxCompletionTokens are set");
			});
	}

	/** A chain of one OpenAI provider over HTTP, which answers the weather in JSON. */
	private ApplicationContextRunner withOpenAiAnsweringTheWeather() {
		openAi.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion(WEATHER, 30, 9)));
		return this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=" + openAi.baseUrl(), "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=sk-test-key-1234567890",
				"llm.fallback.chains.assistant.providers=gpt");
	}

	@Test
	void chatClientsNativeStructuredOutputReachesTheProviderAsAJsonSchema() {
		withOpenAiAnsweringTheWeather().run((context) -> {
			Weather weather = ChatClient.create(context.getBean(FallbackChainChatModel.class))
				.prompt()
				.advisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT)
				.user("The weather in Paris?")
				.call()
				.entity(Weather.class);

			assertThat(weather).isEqualTo(new Weather("Paris", 24));
			String schema = new BeanOutputConverter<>(Weather.class).getJsonSchema();
			// The schema goes as OpenAI's response format, not as instructions in
			// the prompt.
			openAi.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
				.withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
				.withRequestBody(matchingJsonPath("$.response_format.json_schema.strict", equalTo("true")))
				.withRequestBody(matchingJsonPath("$.response_format.json_schema.schema", equalToJson(schema)))
				.withRequestBody(matchingJsonPath("$.messages[0].content", notContaining("JSON Schema"))));
		});
	}

	@Test
	void withoutNativeStructuredOutputChatClientAsksInThePromptAndNoSchemaIsSent() {
		withOpenAiAnsweringTheWeather().run((context) -> {
			Weather weather = ChatClient.create(context.getBean(FallbackChainChatModel.class))
				.prompt()
				.user("The weather in Paris?")
				.call()
				.entity(Weather.class);

			assertThat(weather).isEqualTo(new Weather("Paris", 24));
			openAi.verify(
					postRequestedFor(urlEqualTo(OpenAiStubs.PATH)).withRequestBody(notContaining("\"response_format\""))
						.withRequestBody(matchingJsonPath("$.messages[0].content", containing("JSON Schema"))));
		});
	}

	record Weather(String city, int celsius) {
	}

}
