package io.llmfallback.springai;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackSpringAiAutoConfiguration;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptionsBuilder;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.retry.RetryUtils;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chains as Spring AI {@code ChatModel}s, driven by Spring AI's own
 * {@code ChatClient}, and Spring AI {@code ChatModel} beans as providers of a chain.
 */
class LlmFallbackSpringAiTests {

	@RegisterExtension
	static final WireMockExtension openAi = WireMockProviders.server();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackSpringAiAutoConfiguration.class))
		.withUserConfiguration(BackupModelConfiguration.class);

	private ApplicationContextRunner withFailingPrimary() {
		openAi.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(503, "server_error", "", "The server is overloaded")));
		return this.contextRunner.withPropertyValues("llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=" + openAi.baseUrl(), "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.api-key=sk-test-key-1234567890",
				"llm.fallback.providers.backup.type=spring-ai", "llm.fallback.providers.backup.bean=backupModel",
				"llm.fallback.providers.backup.model=backup-1", "llm.fallback.chains.assistant.providers=gpt,backup");
	}

	@Test
	void chatClientRunsATheToolOfAFallbackAnswerAndTheChainServesTheFollowUp() {
		withFailingPrimary().run((context) -> {
			WeatherTools tools = new WeatherTools();
			ChatModel chain = context.getBean("assistantChatModel", ChatModel.class);

			ChatResponse response = ChatClient.create(chain)
				.prompt()
				.user("What is the weather in Paris?")
				.tools(tools)
				.call()
				.chatResponse();

			assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny in Paris.");
			assertThat(tools.calls).containsExactly("Paris");
			BackupModel backup = context.getBean(BackupModel.class);
			// The tool call, then the answer to its result: each turn failed over.
			assertThat(backup.prompts).hasSize(2);
			assertThat(backup.toolNames.get(0)).containsExactly("currentWeather");
			Message toolResult = backup.prompts.get(1).getInstructions().get(2);
			assertThat(toolResult.getMessageType()).isEqualTo(MessageType.TOOL);
			assertThat(((ToolResponseMessage) toolResult).getResponses().get(0).responseData()).contains("sunny");
			openAi.verify(2, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
			ChatResponseMetadata metadata = response.getMetadata();
			assertThat((String) metadata.get(FallbackChainChatModel.PROVIDER)).isEqualTo("backup");
			assertThat((String) metadata.get(FallbackChainChatModel.PATH)).isEqualTo("fallback");
			assertThat((String) metadata.get(FallbackChainChatModel.CHAIN)).isEqualTo("assistant");
			List<AttemptRecord> attempts = metadata.get(FallbackChainChatModel.ATTEMPTS);
			assertThat(attempts).extracting(AttemptRecord::provider, AttemptRecord::category)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("gpt", FailureCategory.OVERLOADED),
						org.assertj.core.groups.Tuple.tuple("backup", null));
			// Spring AI's tool-calling advisor adds up the two turns' usage.
			assertThat(metadata.getUsage().getPromptTokens()).isEqualTo(60);
			assertThat(metadata.getModel()).isEqualTo("backup-1");
		});
	}

	@Test
	void chatClientStreamsThroughAFailoverWhoseStreamedToolCallItRuns() {
		withFailingPrimary().run((context) -> {
			WeatherTools tools = new WeatherTools();
			ChatModel chain = context.getBean("assistantChatModel", ChatModel.class);

			String answer = ChatClient.create(chain)
				.prompt()
				.user("What is the weather in Paris?")
				.tools(tools)
				.stream()
				.content()
				.collectList()
				.map((parts) -> String.join("", parts))
				.block();

			assertThat(answer).isEqualTo("It is sunny in Paris.");
			assertThat(tools.calls).containsExactly("Paris");
			BackupModel backup = context.getBean(BackupModel.class);
			assertThat(backup.prompts).hasSize(2);
			assertThat(backup.prompts.get(1).getInstructions().get(2).getMessageType()).isEqualTo(MessageType.TOOL);
		});
	}

	@Test
	void chatClientStreamsTheFallbackAnswerWithTheChainsFactsOnTheLastResponse() {
		withFailingPrimary().run((context) -> {
			ChatModel chain = context.getBean("assistantChatModel", ChatModel.class);

			List<ChatResponse> responses = ChatClient.create(chain)
				.prompt()
				.user("Say hello")
				.stream()
				.chatResponse()
				.collectList()
				.block();

			assertThat(responses).extracting((response) -> response.getResult().getOutput().getText())
				.containsExactly("Hello ", "there.");
			assertThat((String) responses.get(0).getMetadata().get(FallbackChainChatModel.PROVIDER)).isNull();
			ChatResponseMetadata last = responses.get(1).getMetadata();
			// The keys are the request span's attribute names.
			assertThat((String) last.get("llm.fallback.provider")).isEqualTo("backup");
			assertThat((String) last.get(FallbackChainChatModel.PATH)).isEqualTo("fallback");
		});
	}

	@Test
	void aSpringAiModelFallsOverOnItsTransientExceptionWithOneCallEach() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.flaky.type=spring-ai",
				"llm.fallback.providers.flaky.bean=flakyModel", "llm.fallback.providers.flaky.model=flaky-1",
				"llm.fallback.providers.backup.type=spring-ai", "llm.fallback.providers.backup.bean=backupModel",
				"llm.fallback.providers.backup.model=backup-1", "llm.fallback.chains.assistant.providers=flaky,backup")
			.run((context) -> {
				FallbackChains chains = context.getBean(FallbackChains.class);
				var served = chains.chain("assistant").chat(ChatRequest.ofUser("Say hello")).block();

				assertThat(served.text()).isEqualTo("Hello there.");
				assertThat(context.getBean(FlakyModel.class).calls).hasValue(1);
				assertThat(served.attempts())
					.extracting(AttemptRecord::provider, AttemptRecord::outcome, AttemptRecord::category,
							AttemptRecord::httpStatus)
					.containsExactly(
							org.assertj.core.groups.Tuple.tuple("flaky", AttemptOutcome.FAILED,
									FailureCategory.RATE_LIMITED, 429),
							org.assertj.core.groups.Tuple.tuple("backup", AttemptOutcome.SUCCESS, null, 200));
			});
	}

	@Test
	void aSpringAiModelConfiguredWithoutToolsIsSkippedForAToolRequest() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.flaky.type=spring-ai",
				"llm.fallback.providers.flaky.bean=flakyModel", "llm.fallback.providers.flaky.model=flaky-1",
				"llm.fallback.providers.flaky.capabilities.tools=false", "llm.fallback.providers.backup.type=spring-ai",
				"llm.fallback.providers.backup.bean=backupModel", "llm.fallback.providers.backup.model=backup-1",
				"llm.fallback.chains.assistant.providers=flaky,backup")
			.run((context) -> {
				FallbackChains chains = context.getBean(FallbackChains.class);
				ChatRequest request = ChatRequest.ofUser("Weather in Paris?")
					.withTools(List.of(new io.llmfallback.model.ToolDefinition("get_weather", "The weather",
							"{\"type\":\"object\"}")), null);
				var served = chains.chain("assistant").chat(request).block();

				assertThat(served.toolCalls()).extracting(io.llmfallback.model.ToolCall::name)
					.containsExactly("currentWeather");
				assertThat(context.getBean(FlakyModel.class).calls).hasValue(0);
				assertThat(context.getBean(BackupModel.class).toolNames).containsExactly(List.of("get_weather"));
				assertThat(served.attempts()).extracting(AttemptRecord::provider, AttemptRecord::outcome)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("flaky", AttemptOutcome.TOOLS_UNSUPPORTED),
							org.assertj.core.groups.Tuple.tuple("backup", AttemptOutcome.SUCCESS));
			});
	}

	@Test
	void aModelIsSentItsOwnOptionsClassAndSkippedForWhatItCannotCarry() {
		this.contextRunner.withBean("ownOptionsModel", OwnOptionsModel.class, OwnOptionsModel::new)
			.withPropertyValues("llm.fallback.providers.own.type=spring-ai",
					"llm.fallback.providers.own.bean=ownOptionsModel", "llm.fallback.providers.own.model=own-1",
					"llm.fallback.providers.backup.type=spring-ai", "llm.fallback.providers.backup.bean=backupModel",
					"llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=own,backup")
			.run((context) -> {
				FallbackChains chains = context.getBean(FallbackChains.class);
				OwnOptionsModel own = context.getBean(OwnOptionsModel.class);

				var plain = chains.chain("assistant").chat(ChatRequest.ofUser("Say hello")).block();
				assertThat(plain.text()).isEqualTo("Hello with own-1 at 0.7");
				assertThat(own.calls).hasValue(1);

				ChatRequest withTool = ChatRequest.ofUser("Weather in Paris?")
					.withTools(List.of(new io.llmfallback.model.ToolDefinition("get_weather", "The weather",
							"{\"type\":\"object\"}")), null);
				var toolCall = chains.chain("assistant").chat(withTool).block();
				assertThat(toolCall.attempts()).extracting(AttemptRecord::provider, AttemptRecord::outcome)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("own", AttemptOutcome.TOOLS_UNSUPPORTED),
							org.assertj.core.groups.Tuple.tuple("backup", AttemptOutcome.SUCCESS));
				var schema = chains.chain("assistant")
					.chat(ChatRequest.ofUser("Weather in Paris?").withJsonSchema("weather", "{\"type\":\"object\"}"))
					.block();
				assertThat(schema.attempts()).extracting(AttemptRecord::outcome)
					.containsExactly(AttemptOutcome.JSON_SCHEMA_UNSUPPORTED, AttemptOutcome.SUCCESS);
				assertThat(own.calls).hasValue(1);
			});
	}

	@Test
	void aModelWithSpringAisPlainOptionsIsSentTheSchemaInTheChainsOptions() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.backup.type=spring-ai",
					"llm.fallback.providers.backup.bean=backupModel", "llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=backup")
			.run((context) -> {
				context.getBean(FallbackChains.class)
					.chain("assistant")
					.chat(ChatRequest.ofUser("Say hello").withJsonSchema("greeting", "{\"type\":\"object\"}"))
					.block();

				Prompt sent = context.getBean(BackupModel.class).prompts.get(0);
				assertThat(((StructuredOutputChatOptions) sent.getOptions()).getOutputSchema())
					.isEqualTo("{\"type\":\"object\"}");
			});
	}

	@Test
	void chatClientMapsTheChainsAnswerOntoAnEntity() {
		this.contextRunner
			.withBean("jsonModel", ChatModel.class,
					() -> (prompt) -> new ChatResponse(
							List.of(new Generation(new AssistantMessage("{\"city\":\"Paris\",\"celsius\":24}")))))
			.withPropertyValues("llm.fallback.providers.json.type=spring-ai",
					"llm.fallback.providers.json.bean=jsonModel", "llm.fallback.providers.json.model=json-1",
					"llm.fallback.chains.assistant.providers=json")
			.run((context) -> {
				Weather weather = ChatClient.create(context.getBean(FallbackChainChatModel.class))
					.prompt()
					.user("The weather in Paris?")
					.call()
					.entity(Weather.class);

				assertThat(weather).isEqualTo(new Weather("Paris", 24));
			});
	}

	record Weather(String city, int celsius) {
	}

	@Test
	void aSpringAiModelsEmptyAnswerFallsOver() {
		this.contextRunner
			.withBean("emptyModel", ChatModel.class,
					() -> (prompt) -> new ChatResponse(List.of(new Generation(new AssistantMessage(" ")))))
			.withPropertyValues("llm.fallback.providers.empty.type=spring-ai",
					"llm.fallback.providers.empty.bean=emptyModel", "llm.fallback.providers.empty.model=empty-1",
					"llm.fallback.providers.backup.type=spring-ai", "llm.fallback.providers.backup.bean=backupModel",
					"llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=empty,backup")
			.run((context) -> {
				var served = context.getBean(FallbackChains.class)
					.chain("assistant")
					.chat(ChatRequest.ofUser("Say hello"))
					.block();

				assertThat(served.text()).isEqualTo("Hello there.");
				assertThat(served.attempts()).extracting(AttemptRecord::category)
					.containsExactly(FailureCategory.EMPTY_RESPONSE, null);
			});
	}

	@Test
	void theModelsOwnObservationIsAChildOfTheChainsAttempt() {
		this.contextRunner.withUserConfiguration(ObservedModelConfiguration.class)
			.withPropertyValues("llm.fallback.providers.observed.type=spring-ai",
					"llm.fallback.providers.observed.bean=observedModel",
					"llm.fallback.providers.observed.model=observed-1",
					"llm.fallback.chains.assistant.providers=observed")
			.run((context) -> {
				context.getBean(FallbackChains.class).chain("assistant").chat(ChatRequest.ofUser("Hi")).block();

				Observation.Context current = context.getBean(ObservedModel.class).current.get();
				assertThat(current).isInstanceOf(ChainAttemptObservationContext.class);
				assertThat(((ChainAttemptObservationContext) current).provider().name()).isEqualTo("observed");
			});
	}

	/**
	 * A chain of one model built, as Spring AI's starters build theirs, with the
	 * {@code RetryTemplate} Spring AI's retry auto-configuration makes.
	 */
	private ApplicationContextRunner withTemplateModel() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
							LlmFallbackSpringAiAutoConfiguration.class, SpringAiRetryAutoConfiguration.class))
			.withBean("templateModel", TemplateModel.class)
			.withPropertyValues("llm.fallback.providers.templated.type=spring-ai",
					"llm.fallback.providers.templated.bean=templateModel",
					"llm.fallback.providers.templated.model=templated-1",
					"llm.fallback.chains.assistant.providers=templated");
	}

	@Test
	void aModelWhoseRetryTemplateWouldRetryInsideAnAttemptFailsStartUp() {
		// Three retries, and Spring AI's default of ten.
		for (String[] retries : List.of(new String[] { "spring.ai.retry.max-attempts=3" }, new String[0])) {
			withTemplateModel().withPropertyValues(retries)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("Provider 'templated' calls Spring AI model bean 'templateModel', which "
							+ "retries with its RetryTemplate inside each attempt")
					.hasMessageContaining("spring.ai.retry.max-attempts=0"));
		}
	}

	@Test
	void aRetryingModelBehindASpringProxyOrADecoratorFailsStartUpToo() {
		for (String bean : List.of("proxiedModel", "decoratingModel")) {
			withTemplateModel().withUserConfiguration(WrappedModelsConfiguration.class)
				.withPropertyValues("llm.fallback.providers.templated.bean=" + bean)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("Spring AI model bean '" + bean + "', which retries with its RetryTemplate"));
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aModelWhosePartsCannotBeReadStartsWithAWarning(CapturedOutput output) {
		ChatModel backup = new BackupModel();
		ChatModel opaque = (ChatModel) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ChatModel.class }, (proxy, method, arguments) -> method.invoke(backup, arguments));
		this.contextRunner.withBean("opaqueModel", ChatModel.class, () -> opaque)
			.withPropertyValues("llm.fallback.providers.opaque.type=spring-ai",
					"llm.fallback.providers.opaque.bean=opaqueModel", "llm.fallback.providers.opaque.model=opaque-1",
					"llm.fallback.chains.assistant.providers=opaque")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Cannot read the parts of Spring AI model bean 'opaqueModel'")
					.contains("cannot tell whether it retries inside each call");
			});
	}

	@Test
	void aModelWhoseRetryTemplateMakesNoRetryIsCalledOncePerAttempt() {
		withTemplateModel().withPropertyValues("spring.ai.retry.max-attempts=0").run((context) -> {
			assertThatThrownBy(() -> context.getBean(FallbackChains.class)
				.chain("assistant")
				.chat(ChatRequest.ofUser("Say hello"))
				.block()).isInstanceOf(ChainExhaustedException.class);

			assertThat(context.getBean(TemplateModel.class).calls).hasValue(1);
		});
	}

	@Test
	void aModelWithoutARetryTemplateNeedsNoSpringAiRetrySetting() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
							LlmFallbackSpringAiAutoConfiguration.class, SpringAiRetryAutoConfiguration.class))
			.withUserConfiguration(BackupModelConfiguration.class)
			.withPropertyValues("llm.fallback.providers.backup.type=spring-ai",
					"llm.fallback.providers.backup.bean=backupModel", "llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=backup")
			.run((context) -> assertThat(context.getBean(FallbackChains.class)
				.chain("assistant")
				.chat(ChatRequest.ofUser("Say hello"))
				.block()
				.text()).isEqualTo("Hello there."));
	}

	@Test
	void aProviderOfTypeSpringAiNeedsTheNameOfItsBean() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.flaky.type=spring-ai",
					"llm.fallback.providers.flaky.model=flaky-1", "llm.fallback.chains.assistant.providers=flaky")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.fallback.providers.flaky.bean"));
	}

	@Test
	void everyChainIsAChatModelBeanAndTheFirstIsPrimary() {
		withFailingPrimary().withPropertyValues("llm.fallback.chains.cheap.providers=backup").run((context) -> {
			assertThat(context.getBeansOfType(FallbackChainChatModel.class)).containsOnlyKeys("assistantChatModel",
					"cheapChatModel");
			assertThat(context.getBean(FallbackChainChatModel.class).getChain().name()).isEqualTo("assistant");
		});
	}

	@Test
	void aChainOfNothingButFailuresFailsTheChatClientCall() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.flaky.type=spring-ai",
					"llm.fallback.providers.flaky.bean=flakyModel", "llm.fallback.providers.flaky.model=flaky-1",
					"llm.fallback.chains.assistant.providers=flaky")
			.run((context) -> assertThatThrownBy(() -> ChatClient.create(context.getBean(FallbackChainChatModel.class))
				.prompt()
				.user("Say hello")
				.call()
				.content()).isInstanceOf(ChainExhaustedException.class));
	}

	static class WeatherTools {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Tool(description = "The current weather in a city")
		String currentWeather(String city) {
			this.calls.add(city);
			return "sunny, 24 degrees";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BackupModelConfiguration {

		@Bean
		BackupModel backupModel() {
			return new BackupModel();
		}

		@Bean
		FlakyModel flakyModel() {
			return new FlakyModel();
		}

	}

	/**
	 * A model that asks for the weather tool when it is given one, and answers its result
	 * or a plain prompt.
	 */
	static class BackupModel implements ChatModel {

		final List<Prompt> prompts = new CopyOnWriteArrayList<>();

		final List<List<String>> toolNames = new CopyOnWriteArrayList<>();

		@Override
		public ChatResponse call(Prompt prompt) {
			this.prompts.add(prompt);
			List<ToolCallback> tools = ((ToolCallingChatOptions) prompt.getOptions()).getToolCallbacks();
			this.toolNames.add(tools.stream().map((tool) -> tool.getToolDefinition().name()).toList());
			Message last = prompt.getInstructions().get(prompt.getInstructions().size() - 1);
			if (!tools.isEmpty() && last.getMessageType() == MessageType.USER) {
				return answer(AssistantMessage.builder()
					.content("")
					.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "currentWeather",
							"{\"city\":\"Paris\"}")))
					.build());
			}
			if (last.getMessageType() == MessageType.TOOL) {
				return answer(new AssistantMessage("It is sunny in Paris."));
			}
			return answer(new AssistantMessage("Hello there."));
		}

		@Override
		public Flux<ChatResponse> stream(Prompt prompt) {
			this.prompts.add(prompt);
			List<ToolCallback> tools = ((ToolCallingChatOptions) prompt.getOptions()).getToolCallbacks();
			Message last = prompt.getInstructions().get(prompt.getInstructions().size() - 1);
			if (!tools.isEmpty() && last.getMessageType() == MessageType.USER) {
				return Flux.just(answer(AssistantMessage.builder()
					.content("")
					.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "currentWeather",
							"{\"city\":\"Paris\"}")))
					.build()));
			}
			if (last.getMessageType() == MessageType.TOOL) {
				return Flux.just(answer(new AssistantMessage("It is sunny ")),
						answer(new AssistantMessage("in Paris.")));
			}
			return Flux.just(answer(new AssistantMessage("Hello ")), answer(new AssistantMessage("there.")));
		}

		private static ChatResponse answer(AssistantMessage message) {
			return new ChatResponse(List.of(new Generation(message)),
					ChatResponseMetadata.builder().model("backup-1").usage(new DefaultUsage(30, 7)).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObservedModelConfiguration {

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler((context) -> true);
			return registry;
		}

		@Bean
		ObservedModel observedModel(ObservationRegistry registry) {
			return new ObservedModel(registry);
		}

	}

	/**
	 * A model that, as Spring AI's do, starts its observation under the current one: it
	 * records which that is.
	 */
	static class ObservedModel implements ChatModel {

		final AtomicReference<Observation.Context> current = new AtomicReference<>();

		private final ObservationRegistry registry;

		ObservedModel(ObservationRegistry registry) {
			this.registry = registry;
		}

		@Override
		public ChatResponse call(Prompt prompt) {
			Observation observation = this.registry.getCurrentObservation();
			this.current.set((observation != null) ? observation.getContext() : null);
			return new ChatResponse(List.of(new Generation(new AssistantMessage("Hello."))));
		}

	}

	/**
	 * A model with an options class of its own, which, as Spring AI 2.0's OpenAI model
	 * does, it casts a prompt's options to; they carry no tools and no schema.
	 */
	static class OwnOptionsModel implements ChatModel {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public ChatResponse call(Prompt prompt) {
			this.calls.incrementAndGet();
			OwnOptions options = (OwnOptions) prompt.getOptions();
			return new ChatResponse(List.of(new Generation(
					new AssistantMessage("Hello with " + options.getModel() + " at " + options.getTemperature()))));
		}

		@Override
		public ChatOptions getOptions() {
			return new OwnOptions.Builder().temperature(0.7).build();
		}

	}

	static final class OwnOptions extends DefaultChatOptions {

		OwnOptions(String model, Integer maxTokens, Double temperature) {
			super(model, null, maxTokens, null, null, temperature, null, null);
		}

		@Override
		public Builder mutate() {
			return new Builder().model(getModel()).maxTokens(getMaxTokens()).temperature(getTemperature());
		}

		static final class Builder extends DefaultChatOptionsBuilder<Builder> {

			@Override
			public OwnOptions build() {
				return new OwnOptions(this.model, this.maxTokens, this.temperature);
			}

		}

	}

	/**
	 * A model that, as Spring AI's models built on Spring's HTTP clients do, calls
	 * through the {@code RetryTemplate} it was built with; every call fails as Spring
	 * AI's clients fail on a 503.
	 */
	static class TemplateModel implements ChatModel {

		final AtomicInteger calls = new AtomicInteger();

		private final RetryTemplate retryTemplate;

		TemplateModel(RetryTemplate retryTemplate) {
			this.retryTemplate = retryTemplate;
		}

		@Override
		public ChatResponse call(Prompt prompt) {
			return RetryUtils.execute(this.retryTemplate, () -> {
				this.calls.incrementAndGet();
				throw new TransientAiException("503 - {\"error\":{\"message\":\"Overloaded\"}}");
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrappedModelsConfiguration {

		@Bean
		ChatModel proxiedModel(RetryTemplate retryTemplate) {
			ProxyFactory proxy = new ProxyFactory(new TemplateModel(retryTemplate));
			proxy.addInterface(ChatModel.class);
			return (ChatModel) proxy.getProxy();
		}

		@Bean
		ChatModel decoratingModel(RetryTemplate retryTemplate) {
			return new DecoratingModel(new TemplateModel(retryTemplate));
		}

	}

	/** A model that logs, say, and leaves the call to the model it decorates. */
	static class DecoratingModel implements ChatModel {

		private final ChatModel decorated;

		DecoratingModel(ChatModel decorated) {
			this.decorated = decorated;
		}

		@Override
		public ChatResponse call(Prompt prompt) {
			return this.decorated.call(prompt);
		}

	}

	/** A model whose every call fails as Spring AI's clients fail on a 429. */
	static class FlakyModel implements ChatModel {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public ChatResponse call(Prompt prompt) {
			this.calls.incrementAndGet();
			throw new TransientAiException("429 - {\"error\":{\"message\":\"Rate limit reached\"}}");
		}

	}

}
