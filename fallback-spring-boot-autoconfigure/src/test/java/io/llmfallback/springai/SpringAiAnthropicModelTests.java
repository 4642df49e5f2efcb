package io.llmfallback.springai;

import java.util.List;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackSpringAiAutoConfiguration;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.StreamedThroughChain;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Spring AI's own Anthropic model (the official Anthropic SDK's client underneath) as a
 * provider of a chain, over loopback HTTP in the Messages API's wire format
 * (https://docs.anthropic.com/en/api/messages, and its errors,
 * https://docs.anthropic.com/en/api/errors: 529 {@code overloaded_error}).
 */
class SpringAiAnthropicModelTests {

	@RegisterExtension
	static final WireMockExtension anthropic = WireMockProviders.server();

	private static final String MESSAGES = "/v1/messages";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackSpringAiAutoConfiguration.class));

	/** A chain of Spring AI's Anthropic model with these options, then a backup model. */
	private ApplicationContextRunner withSpringAiAnthropicModel(Consumer<AnthropicChatOptions.Builder> customizer) {
		AnthropicChatOptions.Builder options = AnthropicChatOptions.builder()
			.baseUrl(anthropic.baseUrl())
			.apiKey("sk-ant-test-key-1234567890")
			.model("claude-sonnet-4-5");
		customizer.accept(options);
		return this.contextRunner
			.withBean("anthropicChatModel", ChatModel.class,
					() -> AnthropicChatModel.builder().options(options.build()).build())
			.withBean("backupModel", ChatModel.class, BackupModel::new)
			.withPropertyValues("llm.fallback.providers.claude.type=spring-ai",
					"llm.fallback.providers.claude.bean=anthropicChatModel",
					"llm.fallback.providers.claude.model=claude-sonnet-4-5",
					"llm.fallback.providers.backup.type=spring-ai", "llm.fallback.providers.backup.bean=backupModel",
					"llm.fallback.providers.backup.model=backup-1",
					"llm.fallback.chains.assistant.providers=claude,backup");
	}

	@Test
	void springAisAnthropicModelIsSentTheRequestsToolsAndAnswers() {
		anthropic.stubFor(post(urlEqualTo(MESSAGES)).willReturn(json(200, "message.json")));
		withSpringAiAnthropicModel((options) -> options.maxRetries(0)).run((context) -> {
			ChatRequest request = ChatRequest.ofUser("Why did the fallback answer?")
				.withTools(List.of(new ToolDefinition("orderStatus", "An order's status",
						"{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"}}}")), null);

			ChainResponse served = context.getBean(FallbackChains.class).chain("assistant").chat(request).block();

			assertThat(served.text()).isEqualTo("The fallback answered because the primary's breaker was open.");
			assertThat(served.response().provider()).isEqualTo("claude");
			anthropic.verify(postRequestedFor(urlEqualTo(MESSAGES))
				.withRequestBody(matchingJsonPath("$.model", equalTo("claude-sonnet-4-5")))
				.withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("orderStatus"))));
		});
	}

	@Test
	void springAisAnthropicModelStreamsTheAnswerWithItsUsage() {
		anthropic.stubFor(post(urlEqualTo(MESSAGES)).willReturn(Fixtures.eventStream("anthropic/message-stream.sse")));
		withSpringAiAnthropicModel((options) -> options.maxRetries(0)).run((context) -> {
			StreamedThroughChain streamed = StreamedThroughChain
				.stream(context.getBean(FallbackChains.class).chain("assistant"), ChatRequest.ofUser("Say hello"));

			assertThat(streamed.text()).isEqualTo("Hello!");
			assertThat(streamed.served().response().provider()).isEqualTo("claude");
			assertThat(streamed.served().response().usage()).isEqualTo(new TokenUsage(25, 15));
		});
	}

	@Test
	void anOverloadedErrorEventInSpringAisAnthropicStreamFallsOverAsOverloaded() {
		anthropic.stubFor(
				post(urlEqualTo(MESSAGES)).willReturn(Fixtures.eventStream("anthropic/message-stream-overloaded.sse")));
		withSpringAiAnthropicModel((options) -> options.maxRetries(0)).run((context) -> {
			StreamedThroughChain streamed = StreamedThroughChain
				.stream(context.getBean(FallbackChains.class).chain("assistant"), ChatRequest.ofUser("Say hello"));

			assertThat(streamed.text()).isEqualTo("Hello there.");
			assertThat(streamed.served().attempts()).extracting(AttemptRecord::provider, AttemptRecord::category)
				.containsExactly(tuple("claude", FailureCategory.OVERLOADED), tuple("backup", null));
		});
	}

	@Test
	void springAisAnthropicModelFallsOverOnA529WithOneHttpCall() {
		anthropic.stubFor(post(urlEqualTo(MESSAGES)).willReturn(json(529, "error-529-overloaded.json")));
		withSpringAiAnthropicModel((options) -> options.maxRetries(0)).run((context) -> {
			ChainResponse served = context.getBean(FallbackChains.class)
				.chain("assistant")
				.chat(ChatRequest.ofUser("Say hello"))
				.block();

			assertThat(served.text()).isEqualTo("Hello there.");
			assertThat(served.attempts())
				.extracting(AttemptRecord::provider, AttemptRecord::category, AttemptRecord::httpStatus)
				.containsExactly(tuple("claude", FailureCategory.OVERLOADED, 529), tuple("backup", null, 200));
			anthropic.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
		});
	}

	@Test
	void springAisAnthropicModelLeftAtItsSdksDefaultRetriesFailsStartUp() {
		withSpringAiAnthropicModel((options) -> {
		}).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("Provider 'claude' calls Spring AI model bean 'anthropicChatModel', which lets its "
					+ "SDK client retry up to 2 times inside each attempt")
			.hasMessageContaining("maxRetries 0")
			.hasMessageNotContaining("sk-ant"));
	}

	private static ResponseDefinitionBuilder json(int status, String fixture) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(Fixtures.read("anthropic/" + fixture));
	}

	/** A model that answers every prompt, called or streamed, "Hello there.". */
	static class BackupModel implements ChatModel {

		@Override
		public ChatResponse call(Prompt prompt) {
			return new ChatResponse(List.of(new Generation(new AssistantMessage("Hello there."))));
		}

		@Override
		public Flux<ChatResponse> stream(Prompt prompt) {
			return Flux.just(call(prompt));
		}

	}

}
