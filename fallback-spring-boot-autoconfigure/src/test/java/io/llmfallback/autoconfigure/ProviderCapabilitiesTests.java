package io.llmfallback.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.support.StoppedObservations;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Providers' capabilities, from the model table and the properties, and the chain that
 * skips a provider lacking what a request needs: over real HTTP, seen on the answer's
 * attempts, the next attempt's span and the attempts meter.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderCapabilitiesTests {

	private static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "The weather in a city",
			"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension()
		.provider("gpt", WireProtocol.OPENAI)
		.provider("lite", WireProtocol.OPENAI)
		.provider("haiku", WireProtocol.ANTHROPIC)
		.provider("claude", WireProtocol.ANTHROPIC)
		.provider("flash", WireProtocol.GEMINI);

	private final StoppedObservations observations = new StoppedObservations();

	// "lite" serves gpt-4o, which the table lists with tools, images and a 128k window:
	// its properties take them away. Its adaptation wraps it, and the wrapper keeps them.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				MetricsAutoConfiguration.class, LlmFallbackMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(ObservationRegistry.class, this.observations::registry)
		.withPropertyValues("llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.base-url=" + providers.get("gpt").baseUrl(),
				"llm.fallback.providers.lite.type=openai", "llm.fallback.providers.lite.model=gpt-4o",
				"llm.fallback.providers.lite.base-url=" + providers.get("lite").baseUrl(),
				"llm.fallback.providers.lite.capabilities.tools=false",
				"llm.fallback.providers.lite.capabilities.images=false",
				"llm.fallback.providers.lite.capabilities.context-window=50",
				"llm.fallback.providers.lite.adaptation.drop=temperature",
				"llm.fallback.providers.haiku.type=anthropic", "llm.fallback.providers.haiku.model=claude-3-5-haiku",
				"llm.fallback.providers.haiku.base-url=" + providers.get("haiku").baseUrl(),
				"llm.fallback.providers.claude.type=anthropic",
				"llm.fallback.providers.claude.model=claude-sonnet-4-5-20250929",
				"llm.fallback.providers.claude.base-url=" + providers.get("claude").baseUrl(),
				"llm.fallback.chains.assist.providers=gpt,lite,claude", "llm.fallback.providers.flash.type=gemini",
				"llm.fallback.providers.flash.model=gemini-2.5-flash",
				"llm.fallback.providers.flash.base-url=" + providers.get("flash").baseUrl(),
				"llm.fallback.chains.vision.providers=haiku,claude", "llm.fallback.chains.narrow.providers=lite",
				"llm.fallback.chains.gemini-first.providers=flash,claude",
				"llm.fallback.chains.structured.providers=claude,gpt");

	@Test
	void aToolRequestSkipsAFallbackWithoutToolsAndTheNextServes() {
		providers.get("gpt").inject(Fault.ofStatus(500));
		ChatRequest request = ChatRequest.ofUser("What is the weather in Oslo?")
			.withTools(List.of(WEATHER), ToolChoice.AUTO);

		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "assist", request);

			assertThat(response.attempts()).extracting(AttemptRecord::toString)
				.containsExactly("gpt=server-error HTTP 500 (" + millis(response, 0) + " ms)",
						"lite=tools-unsupported (0 ms)", "claude=success (" + millis(response, 2) + " ms)");
			assertThat(providers.get("lite").requests()).isZero();
			assertThat(providers.get("claude").requests()).isOne();
			assertThat(attempts(context, "lite", "tools-unsupported")).isOne();
			assertThat(reasonOfAttemptOn("claude")).isEqualTo("tools-unsupported");
		});
	}

	@Test
	void aConversationWithToolResultsNeedsToolsToo() {
		providers.get("gpt").inject(Fault.ofStatus(500));
		io.llmfallback.model.ToolCall call = new io.llmfallback.model.ToolCall("call_1", "get_weather",
				"{\"city\":\"Oslo\"}");
		ChatRequest request = ChatRequest.ofUser("What is the weather in Oslo?")
			.withMessages(List.of(ChatMessage.user("What is the weather in Oslo?"),
					ChatMessage.assistant("", List.of(call)), ChatMessage.toolResult(call, "4 degrees, rain")));

		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "assist", request);

			assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("server-error", "tools-unsupported", "success");
			assertThat(providers.get("lite").requests()).isZero();
		});
	}

	@Test
	void aJsonSchemaRequestSkipsClaudeByItsModelsDefaultAndGpt4oServesIt() {
		ChatRequest request = ChatRequest.ofUser("Alice and Bob meet on Friday.")
			.withJsonSchema("calendar_event", "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}");

		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "structured", request);

			assertThat(response.attempts()).extracting(AttemptRecord::toString)
				.containsExactly("claude=json-schema-unsupported (0 ms)",
						"gpt=success (" + millis(response, 1) + " ms)");
			assertThat(response.path()).isEqualTo(ServedPath.FALLBACK);
			assertThat(providers.get("claude").requests()).isZero();
			assertThat(providers.get("gpt").requests()).isOne();
			assertThat(attempts(context, "claude", "json-schema-unsupported")).isOne();
			assertThat(reasonOfAttemptOn("gpt")).isEqualTo("json-schema-unsupported");
			// A JSON answer without a schema still goes to Claude, which follows an
			// instruction.
			assertThat(chain(context, "structured", ChatRequest.ofUser("Hi").withResponseFormat(ResponseFormat.JSON))
				.attempts()).extracting(AttemptRecord::label).containsExactly("success");
			assertThat(providers.get("claude").requests()).isOne();
		});
	}

	@Test
	void anImageUrlSkipsGeminiWhichTakesInlineImagesOnly() {
		ChatRequest byUrl = new ChatRequest(
				List.of(ChatMessage.user("What is in this picture?",
						List.of(ImageInput.url("https://example.com/cat.png")))),
				null, null, null, ResponseFormat.TEXT);
		ChatRequest inline = new ChatRequest(
				List.of(ChatMessage.user("What is in this picture?",
						List.of(ImageInput.base64("image/png", "iVBORw0KGgo=")))),
				null, null, null, ResponseFormat.TEXT);

		this.contextRunner.run((context) -> {
			assertThat(chain(context, "gemini-first", byUrl).attempts()).extracting(AttemptRecord::label)
				.containsExactly("images-unsupported", "success");
			assertThat(providers.get("flash").requests()).isZero();
			assertThat(chain(context, "gemini-first", inline).attempts()).extracting(AttemptRecord::label)
				.containsExactly("success");
			assertThat(providers.get("flash").requests()).isOne();
		});
	}

	@Test
	void anImageRequestSkipsAPrimaryWithoutImagesByItsModelsDefault() {
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("What is in this picture?",
						List.of(ImageInput.url("https://example.com/cat.png")))),
				null, null, null, ResponseFormat.TEXT);

		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "vision", request);

			assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("images-unsupported", "success");
			assertThat(response.path()).isEqualTo(ServedPath.FALLBACK);
			assertThat(providers.get("haiku").requests()).isZero();
			assertThat(providers.get("claude").requests()).isOne();
			assertThat(attempts(context, "haiku", "images-unsupported")).isOne();
			assertThat(reasonOfAttemptOn("claude")).isEqualTo("images-unsupported");
		});
	}

	@Test
	void aStreamedImageRequestSkipsTheProviderWithoutImagesToo() {
		providers.get("claude").answerWith("A cat on a mat.");
		ChatRequest request = new ChatRequest(
				List.of(ChatMessage.user("What is in this picture?",
						List.of(ImageInput.base64("image/png", "iVBORw0KGgo=")))),
				null, null, null, ResponseFormat.TEXT);
		AtomicReference<ChainResponse> served = new AtomicReference<>();

		this.contextRunner.run((context) -> {
			String text = context.getBean(FallbackChains.class)
				.chain("vision")
				.stream(request, "describe", served::set)
				.map(ChatChunk::text)
				.collect(Collectors.joining())
				.block();

			assertThat(text).isEqualTo("A cat on a mat.");
			assertThat(served.get().attempts()).extracting(AttemptRecord::label)
				.containsExactly("images-unsupported", "success");
			assertThat(providers.get("haiku").requests()).isZero();
			assertThat(attempts(context, "haiku", "images-unsupported")).isOne();
		});
	}

	@Test
	void aPromptLargerThanAContextWindowSkipsTheProvider() {
		providers.get("gpt").inject(Fault.ofStatus(500));
		// 400 characters: about 100 tokens, over lite's window of 50.
		ChatRequest request = ChatRequest.ofUser("Summarize: " + "lorem ipsum ".repeat(32));

		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "assist", request);

			assertThat(response.attempts()).extracting(AttemptRecord::label)
				.containsExactly("server-error", "context-window-exceeded", "success");
			assertThat(providers.get("lite").requests()).isZero();
			assertThat(attempts(context, "lite", "context-window-exceeded")).isOne();
			assertThat(reasonOfAttemptOn("claude")).isEqualTo("context-window-exceeded");
		});
	}

	@Test
	void aRequestThatFitsIsSentAsBefore() {
		this.contextRunner.run((context) -> {
			ChainResponse response = chain(context, "narrow", ChatRequest.ofUser("Hi"));

			assertThat(response.attempts()).extracting(AttemptRecord::label).containsExactly("success");
			assertThat(providers.get("lite").requests()).isOne();
		});
	}

	@Test
	void aChainWhoseEveryProviderLacksTheCapabilityIsExhaustedSayingWhy() {
		ChatRequest request = ChatRequest.ofUser("Weather?").withTools(List.of(WEATHER), ToolChoice.REQUIRED);

		this.contextRunner.run((context) -> {
			FallbackChains chains = context.getBean(FallbackChains.class);
			assertThatExceptionOfType(ChainExhaustedException.class)
				.isThrownBy(() -> chains.chain("narrow").chat(request).block())
				.withMessage("Chain 'narrow' exhausted: lite=tools-unsupported (0 ms)")
				.satisfies((exhausted) -> assertThat(exhausted.getAttempts()).singleElement()
					.extracting(AttemptRecord::label)
					.isEqualTo("tools-unsupported"));
			assertThat(providers.get("lite").requests()).isZero();
			assertThat(attempts(context, "lite", "tools-unsupported")).isOne();
		});
	}

	@Test
	void thePropertiesOverrideTheModelTableAndAnUnknownModelIsAssumedCapable(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("llm.fallback.providers.local.type=openai",
					"llm.fallback.providers.local.model=llama3.2",
					"llm.fallback.providers.local.base-url=http://127.0.0.1:11434",
					"llm.fallback.providers.local.capabilities.images=false")
			.run((context) -> {
				LlmProviders llmProviders = context.getBean(LlmProviders.class);
				assertThat(llmProviders.get("gpt").capabilities())
					.isEqualTo(new ProviderCapabilities(true, true, true, 128_000));
				assertThat(llmProviders.get("lite").capabilities())
					.isEqualTo(new ProviderCapabilities(false, false, true, 50));
				assertThat(llmProviders.get("haiku").capabilities())
					.isEqualTo(new ProviderCapabilities(true, false, false, 200_000));
				assertThat(llmProviders.get("claude").capabilities())
					.isEqualTo(new ProviderCapabilities(true, true, false, 200_000));
				assertThat(llmProviders.get("local").capabilities())
					.isEqualTo(new ProviderCapabilities(true, false, true, null));
			});
		assertThat(output).containsOnlyOnce("Provider 'local' has a model ('llama3.2') without built-in "
				+ "capabilities, so it is assumed to have tools=true, json-schema=true, context-window=unknown; "
				+ "set llm.fallback.providers.local.capabilities.* to say what it takes");
		assertThat(output).doesNotContain("Provider 'gpt' has a model");
	}

	@Test
	void aContextWindowBelowOneFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.fallback.providers.claude.capabilities.context-window=0")
			.run((context) -> {
				FailureAnalysis analysis = new LlmFallbackConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("llm.fallback.providers.claude.capabilities.context-window: must be at least 1, was 0");
			});
	}

	private static ChainResponse chain(org.springframework.context.ApplicationContext context, String chain,
			ChatRequest request) {
		ChainResponse response = context.getBean(FallbackChains.class).chain(chain).chat(request).block();
		assertThat(response).isNotNull();
		return response;
	}

	private static long millis(ChainResponse response, int attempt) {
		return response.attempts().get(attempt).duration().toMillis();
	}

	private static double attempts(org.springframework.context.ApplicationContext context, String provider,
			String outcome) {
		return context.getBean(MeterRegistry.class)
			.get("llm.fallback.attempts")
			.tag("provider", provider)
			.tag("outcome", outcome)
			.counter()
			.count();
	}

	private String reasonOfAttemptOn(String provider) {
		return this.observations.stopped()
			.stream()
			.filter(ChainAttemptObservationContext.class::isInstance)
			.filter((attempt) -> attempt.getLowCardinalityKeyValues()
				.stream()
				.anyMatch((tag) -> tag.equals(KeyValue.of("llm.fallback.provider", provider))))
			.map((attempt) -> attempt.getHighCardinalityKeyValue("llm.fallback.reason"))
			.map((reason) -> (reason != null) ? reason.getValue() : "none")
			.findFirst()
			.orElse("no attempt");
	}

}
