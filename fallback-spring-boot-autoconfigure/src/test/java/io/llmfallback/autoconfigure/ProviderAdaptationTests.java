package io.llmfallback.autoconfigure;

import java.util.Set;

import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.internal.RequestAdaptation;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-provider request adaptation, configured by properties, seen on the wire. */
class ProviderAdaptationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension()
		.provider("gpt", WireProtocol.OPENAI)
		.provider("o3", WireProtocol.OPENAI);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.o3.type=openai", "llm.fallback.providers.o3.model=o3-mini",
				"llm.fallback.providers.o3.adaptation.system-prompt-addendum=Answer in full; do not shorten.",
				"llm.fallback.providers.o3.adaptation.drop=temperature,response-format",
				"llm.fallback.chains.summarize.providers=gpt,o3");

	@Test
	void theFallbackReceivesItsAdaptedRequestAndThePrimaryTheOriginal() {
		SimulatedProvider primary = providers.get("gpt");
		SimulatedProvider fallback = providers.get("o3");
		primary.inject(Fault.ofStatus(503));
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
				assertThat(primary.requests()).isOne();
				JsonNode original = JSON.readTree(primary.lastRequest().orElseThrow());
				assertThat(original.at("/messages/0/content").stringValue())
					.isEqualTo("Respond with a single JSON object and nothing else.");
				assertThat(original.at("/messages/1/content").stringValue()).isEqualTo("You summarize.");
				assertThat(original.path("temperature").asDouble()).isEqualTo(0.7);
				assertThat(original.at("/response_format/type").stringValue()).isEqualTo("json_object");
				assertThat(fallback.requests()).isOne();
				JsonNode adapted = JSON.readTree(fallback.lastRequest().orElseThrow());
				assertThat(adapted.at("/messages/0/content").stringValue())
					.isEqualTo("You summarize.\n\nAnswer in full; do not shorten.");
				assertThat(adapted.at("/messages/1/content").stringValue()).isEqualTo("Summarize the report.");
				assertThat(adapted.has("temperature")).isFalse();
				assertThat(adapted.has("response_format")).isFalse();
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
