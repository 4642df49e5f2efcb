package io.llmfallback.provider.internal;

import java.math.BigDecimal;
import java.util.Set;
import java.util.function.BiConsumer;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackMetricsAutoConfiguration;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.TokenUsage.Count;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.support.OpenAiStubs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.defaultModel;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token counts beyond plausible bounds are priced at the bound, flagged, counted and
 * logged once: an answer reporting {@code Long.MAX_VALUE} tokens must not trip the spend
 * guard.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderUsagePlausibilityTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	private static final ChatRequest REQUEST = ChatRequest.ofUser("Hi");

	/** 1000 allowed, plus 10% and 16 tokens of slack. */
	private static final long OUTPUT_BOUND = 1116;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void outputBeyondTheRequestsLimitIsPricedAtTheBoundFlaggedCountedAndLoggedOnce(ProviderType type,
			CapturedOutput output) {
		callTwice(type, "9", "9223372036854775807", output, (first, meters) -> {
			AttemptRecord attempt = first.attempts().get(0);
			assertThat(attempt.usage()).isEqualTo(new TokenUsage(9, OUTPUT_BOUND, 0, Set.of(Count.OUTPUT)));
			assertThat(attempt.usage().isClamped()).isTrue();
			Pricing price = new Pricing(new BigDecimal("1.00"), new BigDecimal("10.00"));
			assertThat(attempt.costUsd()).isEqualByComparingTo(price.cost(new TokenUsage(9, OUTPUT_BOUND)))
				.isEqualByComparingTo("0.011169");
			assertThat(implausible(meters, "output")).isEqualTo(2);
		});
	}

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void negativeCountsAreReadAsZeroAndTheAnswerIsServedFlaggedCountedAndLoggedOnce(ProviderType type,
			CapturedOutput output) {
		callTwice(type, "-5", "-100", output, (first, meters) -> {
			assertThat(first.text()).isEqualTo("Hello.");
			AttemptRecord attempt = first.attempts().get(0);
			assertThat(attempt.label()).isEqualTo("success");
			// Gemini's output is in two parts: the valid one (48 thoughts) is kept.
			long outputTokens = (type == ProviderType.GEMINI) ? 48 : 0;
			assertThat(attempt.usage())
				.isEqualTo(new TokenUsage(0, outputTokens, 0, Set.of(Count.INPUT, Count.OUTPUT)));
			assertThat(attempt.costUsd()).isEqualByComparingTo(BigDecimal.valueOf(outputTokens * 10, 6));
			assertThat(implausible(meters, "input")).isEqualTo(2);
			assertThat(implausible(meters, "output")).isEqualTo(2);
		});
	}

	/**
	 * Two requests through a chain whose provider reports those counts: checks the first
	 * response and the meters, and that the provider logged its one line about them, with
	 * the counts as reported (in their parts, where the provider reports a count in
	 * parts).
	 */
	private void callTwice(ProviderType type, String inputTokens, String outputTokens, CapturedOutput output,
			BiConsumer<ChainResponse, MeterRegistry> check) {
		String loggedUsage = ((type == ProviderType.ANTHROPIC) ? inputTokens + " + 0 + 0" : inputTokens)
				+ " input tokens, ceiling 2000000; "
				+ ((type == ProviderType.GEMINI) ? outputTokens + " + 48" : outputTokens)
				+ " output tokens, 1000 allowed; 0 cached";
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(okJson(answer(type, inputTokens, outputTokens))));

		this.contextRunner.withPropertyValues(properties(type)).run((context) -> {
			FallbackChains chains = context.getBean(FallbackChains.class);
			ChainResponse first = chains.chain("chat").chat(REQUEST).block();
			chains.chain("chat").chat(REQUEST).block();

			check.accept(first, context.getBean(MeterRegistry.class));
			assertThat(output.getAll().lines().filter((line) -> line.contains("reported implausible token usage")))
				.singleElement()
				.asString()
				.contains("LLM provider 'primary' reported implausible token usage (" + loggedUsage + ")");
		});
	}

	private static double implausible(MeterRegistry meters, String count) {
		return meters.get("llm.fallback.usage.implausible")
			.tags("provider", "primary", "count", count)
			.counter()
			.count();
	}

	@Test
	void moreCachedThanPromptTokensAreReadAsNoneCachedNotAsAWholePromptAtTheCacheRate() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(okJson("""
				{"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},
				 "finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":12,
				 "prompt_tokens_details":{"cached_tokens":1664}}}""")));

		TokenUsage usage = success(ProviderTestKit.provider(ProviderType.OPENAI, baseUrl(server)).chat(REQUEST))
			.usage();

		assertThat(usage).isEqualTo(new TokenUsage(1000, 12, 0, Set.of(Count.INPUT)));
	}

	@Test
	void negativePartOfAnAnthropicPromptIsReadAsZeroAndTheOtherPartsKept() {
		server.stubFor(post(urlPathEqualTo(path(ProviderType.ANTHROPIC))).willReturn(okJson("""
				{"type":"message","role":"assistant","model":"claude-sonnet-4-5",
				 "content":[{"type":"text","text":"Hello."}],"stop_reason":"end_turn",
				 "usage":{"input_tokens":40,"cache_read_input_tokens":-1,"output_tokens":12}}""")));

		TokenUsage usage = success(ProviderTestKit.provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(REQUEST))
			.usage();

		assertThat(usage).isEqualTo(new TokenUsage(40, 12, 0, Set.of(Count.INPUT)));
	}

	@Test
	void negativePartOfAGeminiOutputIsReadAsZeroAndTheOtherPartKept() {
		server.stubFor(post(urlPathEqualTo(path(ProviderType.GEMINI))).willReturn(okJson("""
				{"candidates":[{"content":{"parts":[{"text":"Hello."}],"role":"model"},"finishReason":"STOP"}],
				 "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":12,"thoughtsTokenCount":-1},
				 "modelVersion":"gemini-2.5-flash"}""")));

		TokenUsage usage = success(ProviderTestKit.provider(ProviderType.GEMINI, baseUrl(server)).chat(REQUEST))
			.usage();

		assertThat(usage).isEqualTo(new TokenUsage(9, 12, 0, Set.of(Count.OUTPUT)));
	}

	@Test
	void inputBeyondTheConfiguredCeilingIsPricedAtTheCeiling() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(okJson(answer(ProviderType.OPENAI, "5000000", "12"))));

		this.contextRunner.withPropertyValues(properties(ProviderType.OPENAI))
			.withPropertyValues("llm.fallback.providers.primary.max-input-tokens=200000")
			.run((context) -> {
				TokenUsage usage = success(context.getBean(LlmProviders.class).get("primary").chat(REQUEST)).usage();

				assertThat(usage).isEqualTo(new TokenUsage(200_000, 12, 0, Set.of(Count.INPUT)));
			});
	}

	@Test
	void inputCeilingMustBePositive() {
		this.contextRunner.withPropertyValues(properties(ProviderType.OPENAI))
			.withPropertyValues("llm.fallback.providers.primary.max-input-tokens=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.fallback.providers.primary.max-input-tokens: must be at least 1, was 0"));
	}

	@Test
	void countsBeyondALongAreClampedNotReadAsZero() {
		TokenUsage usage = usageReported("1e30", "99999999999999999999999");

		assertThat(usage).isEqualTo(new TokenUsage(ProviderSettings.DEFAULT_MAX_INPUT_TOKENS, 1024 + 102 + 16, 0,
				Set.of(Count.INPUT, Count.OUTPUT)));
	}

	@Test
	void outputWithinTheSlackIsKeptAsReported() {
		TokenUsage usage = usageReported("2000000", "1142");

		assertThat(usage).isEqualTo(new TokenUsage(2_000_000, 1142));
		assertThat(usage.isClamped()).isFalse();
	}

	/**
	 * The usage of an OpenAI answer reporting those counts, read by a provider with the
	 * default limits.
	 */
	private static TokenUsage usageReported(String inputTokens, String outputTokens) {
		server.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(okJson(answer(ProviderType.OPENAI, inputTokens, outputTokens))));
		return success(ProviderTestKit.provider(ProviderType.OPENAI, baseUrl(server)).chat(REQUEST)).usage();
	}

	private static String[] properties(ProviderType type) {
		return new String[] { "llm.fallback.providers.primary.type=" + type.wireName(),
				"llm.fallback.providers.primary.base-url=" + baseUrl(server),
				"llm.fallback.providers.primary.model=" + defaultModel(type),
				"llm.fallback.providers.primary.max-tokens=1000",
				"llm.fallback.providers.primary.pricing.input-per-million-tokens=1.00",
				"llm.fallback.providers.primary.pricing.output-per-million-tokens=10.00",
				"llm.fallback.chains.chat.providers=primary" };
	}

	private static String answer(ProviderType type, String inputTokens, String outputTokens) {
		return switch (type) {
			case OPENAI -> """
					{"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},
					 "finish_reason":"stop"}],"usage":{"prompt_tokens":%s,"completion_tokens":%s}}"""
				.formatted(inputTokens, outputTokens);
			case ANTHROPIC -> """
					{"type":"message","role":"assistant","model":"claude-sonnet-4-5",
					 "content":[{"type":"text","text":"Hello."}],"stop_reason":"end_turn",
					 "usage":{"input_tokens":%s,"output_tokens":%s}}""".formatted(inputTokens, outputTokens);
			case GEMINI -> """
					{"candidates":[{"content":{"parts":[{"text":"Hello."}],"role":"model"},"finishReason":"STOP"}],
					 "usageMetadata":{"promptTokenCount":%s,"candidatesTokenCount":%s,"thoughtsTokenCount":48},
					 "modelVersion":"gemini-2.5-flash"}""".formatted(inputTokens, outputTokens);
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

}
