package io.llmfallback.autoconfigure;

import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.internal.RequestAdaptation;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-provider request adaptation, configured by properties, seen on the wire. */
class ProviderAdaptationTests {

	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	@RegisterExtension
	static final WireMockExtension fallback = WireMockProviders.server();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.o3.type=openai", "llm.fallback.providers.o3.model=o3-mini",
				"llm.fallback.providers.o3.adaptation.system-prompt-addendum=Answer in full; do not shorten.",
				"llm.fallback.providers.o3.adaptation.drop=temperature,response-format",
				"llm.fallback.chains.summarize.providers=gpt,o3");

	@Test
	void theFallbackReceivesItsAdaptedRequestAndThePrimaryTheOriginal() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(503, "server_error", "", "busy")));
		fallback.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("{}", 5, 5)));
		ChatRequest request = ChatRequest.ofUser("Summarize the report.")
			.withSystem("You summarize.")
			.withTemperature(0.7)
			.withResponseFormat(ResponseFormat.JSON);

		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.base-url=" + primary.baseUrl(),
					"llm.fallback.providers.o3.base-url=" + fallback.baseUrl())
			.run((context) -> {
				context.getBean(FallbackChains.class).chain("summarize").chat(request).block();

				// No message names JSON, so the provider adds the instruction OpenAI's
				// JSON mode requires.
				primary.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
					.withRequestBody(matchingJsonPath("$.messages[0].content",
							equalTo("Respond with a single JSON object and nothing else.")))
					.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("You summarize.")))
					.withRequestBody(matchingJsonPath("$.temperature", equalTo("0.7")))
					.withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_object"))));
				fallback.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
					.withRequestBody(matchingJsonPath("$.messages[0].content",
							equalTo("You summarize.\n\nAnswer in full; do not shorten.")))
					.withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Summarize the report.")))
					.withRequestBody(matchingJsonPath("$.temperature", absent()))
					.withRequestBody(matchingJsonPath("$.response_format", absent())));
			});
	}

	@Test
	void anAdaptedTemperatureOutOfRangeFailsStartUp() {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.gpt.base-url=http://127.0.0.1:1",
					"llm.fallback.providers.o3.base-url=http://127.0.0.1:1",
					"llm.fallback.providers.o3.adaptation.temperature=3")
			.run((context) -> {
				FailureAnalysis analysis = new LlmFallbackConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("llm.fallback.providers.o3.adaptation.temperature: must be between 0 and 2, was 3");
			});
	}

	@Test
	void aReplacementSystemPromptReplacesEverySystemMessage() {
		ChatRequest request = ChatRequest.ofUser("Hi").withSystem("first").withSystem("second");
		ChatRequest adapted = new RequestAdaptation("only this", null, 0.2, Set.of()).apply(request);

		assertThat(adapted.messages()).containsExactly(ChatMessage.system("only this"), ChatMessage.user("Hi"));
		assertThat(adapted.temperature()).isEqualTo(0.2);
	}

}
