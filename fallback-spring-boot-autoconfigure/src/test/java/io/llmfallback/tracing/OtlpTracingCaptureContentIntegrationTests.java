package io.llmfallback.tracing;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.tracing.OtlpTraceReceiver.ReceivedSpan;
import io.llmfallback.tracing.TracingFixtures.TraceParent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.llmfallback.tracing.TracingFixtures.API_KEY;
import static io.llmfallback.tracing.TracingFixtures.KEY_SECRET_PART;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code llm.fallback.observability.capture-content=true} the attempt span a
 * collector receives carries the prompt and the completion as OpenTelemetry GenAI
 * messages, JSON-escaped; the API key still never does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"spring.application.name=llm-fallback-tracing-content-it", "management.tracing.sampling.probability=1.0",
		"management.opentelemetry.tracing.export.schedule-delay=100ms", "management.otlp.metrics.export.enabled=false",
		"management.logging.export.otlp.enabled=false", "llm.fallback.observability.capture-content=true",
		"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
		"llm.fallback.providers.gpt.api-key=" + TracingFixtures.API_KEY,
		"llm.fallback.chains.summarize.providers=gpt" })
class OtlpTracingCaptureContentIntegrationTests {

	/** Quotes and a line break, so that the JSON escaping is visible in the attribute. */
	private static final String PROMPT = "Summarize \"the memo\"\nin one line CONTENT-PROMPT-4b1e";

	private static final String COMPLETION = "Revenue grew CONTENT-COMPLETION-0d77";

	private static final OtlpTraceReceiver receiver = OtlpTraceReceiver.start();

	private static final WireMockServer provider = TracingFixtures.startedWireMock();

	@Autowired
	private FallbackChains chains;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", receiver::tracesEndpoint);
		registry.add("llm.fallback.providers.gpt.base-url", provider::baseUrl);
	}

	@AfterAll
	static void stop() {
		provider.stop();
		receiver.close();
	}

	@Test
	void attemptSpanCarriesPromptAndCompletionWhenContentCaptureIsOn() {
		provider.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(TracingFixtures.completion("gpt-4o-2024-08-06", COMPLETION, 21, 0, 6)));

		ChainResponse served = this.chains.chain("summarize")
			.chat(ChatRequest.ofUser(PROMPT), "summarize")
			.block(Duration.ofSeconds(10));
		assertThat(served.isFallback()).isFalse();
		List<com.github.tomakehurst.wiremock.verification.LoggedRequest> calls = TracingFixtures.chatRequests(provider);
		assertThat(calls).hasSize(1);
		TraceParent traceParent = TracingFixtures.traceParent(calls.get(0));
		String traceId = traceParent.traceId();

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(receiver.span(traceId, "llm.fallback summarize")).isPresent();
			assertThat(receiver.span(traceId, "chat gpt-4o")).isPresent();
		});
		assertThat(receiver.rejected()).isEmpty();
		ReceivedSpan request = receiver.span(traceId, "llm.fallback summarize").orElseThrow();
		assertThat(request.attributes()).containsEntry("llm.fallback.path", "primary")
			.doesNotContainKeys("gen_ai.input.messages", "gen_ai.output.messages");

		ReceivedSpan attempt = receiver.span(traceId, "chat gpt-4o").orElseThrow();
		assertThat(attempt.parentSpanId()).isEqualTo(request.spanId());
		assertThat(attempt.attributes()).containsEntry("llm.fallback.path", "primary")
			.containsEntry("llm.fallback.attempt", "0")
			.containsEntry("gen_ai.usage.input_tokens", "21")
			.containsEntry("gen_ai.usage.output_tokens", "6")
			.containsEntry("gen_ai.input.messages",
					"[{\"role\":\"user\",\"content\":\"Summarize \\\"the memo\\\"\\nin one line CONTENT-PROMPT-4b1e\"}]")
			.containsEntry("gen_ai.output.messages",
					"[{\"role\":\"assistant\",\"content\":\"Revenue grew CONTENT-COMPLETION-0d77\"}]");

		assertThat(receiver.trace(traceId)).allSatisfy((span) -> assertThat(span.allText())
			.noneMatch((text) -> text.contains(API_KEY) || text.contains(KEY_SECRET_PART)));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TracingApplication {

	}

}
