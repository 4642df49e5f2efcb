package io.llmfallback.tracing;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.tracing.OtlpTraceReceiver.ReceivedEvent;
import io.llmfallback.tracing.OtlpTraceReceiver.ReceivedSpan;
import io.llmfallback.tracing.TracingFixtures.TraceParent;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The chain's spans as a collector sees them: the application exports over OTLP/HTTP to a
 * real receiver on loopback, which decodes the protobuf. A request served by the fallback
 * is one {@code llm.fallback
 * summarize} span with a {@code chat {model}} child per attempt carrying the
 * OpenTelemetry GenAI attributes and the primary/fallback marking; the provider calls
 * carry the trace context; neither the prompt nor the API key reaches the collector; a
 * provider skipped by its open breaker is an event, not an attempt span.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"spring.application.name=llm-fallback-tracing-it", "management.tracing.sampling.probability=1.0",
		"management.opentelemetry.tracing.export.schedule-delay=100ms", "management.otlp.metrics.export.enabled=false",
		"management.logging.export.otlp.enabled=false", "llm.fallback.providers.gpt.type=openai",
		"llm.fallback.providers.gpt.model=gpt-4o", "llm.fallback.providers.gpt.api-key=" + TracingFixtures.API_KEY,
		"llm.fallback.providers.mini.type=openai", "llm.fallback.providers.mini.model=gpt-4o-mini",
		"llm.fallback.providers.mini.api-key=" + TracingFixtures.API_KEY,
		"llm.fallback.chains.summarize.providers=gpt,mini", "llm.fallback.chains.summarize.fallback-max-tokens=256" })
class OtlpTracingIntegrationTests {

	private static final String PROMPT = "Summarize the quarterly memo CONFIDENTIAL-PROMPT-7f3a";

	private static final String PROMPT_MARKER = "CONFIDENTIAL-PROMPT-7f3a";

	private static final String COMPLETION = "Revenue grew COMPLETION-MARKER-91c2";

	/** A span that did not fail; the OpenTelemetry bridge marks an ended span OK. */
	private static final List<String> NOT_ERROR = List.of("STATUS_CODE_UNSET", "STATUS_CODE_OK");

	private static final Duration EXPORT_WAIT = Duration.ofSeconds(15);

	private static final OtlpTraceReceiver receiver = OtlpTraceReceiver.start();

	private static final WireMockServer primary = TracingFixtures.startedWireMock();

	private static final WireMockServer fallback = TracingFixtures.startedWireMock();

	@Autowired
	private FallbackChains chains;

	@Autowired
	private ProviderCircuitBreakers breakers;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", receiver::tracesEndpoint);
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.mini.base-url", fallback::baseUrl);
	}

	@AfterAll
	static void stop() {
		primary.stop();
		fallback.stop();
		receiver.close();
	}

	@BeforeEach
	void resetProvidersAndBreakers() {
		primary.resetAll();
		fallback.resetAll();
		this.breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void fallbackRequestReachesTheCollectorAsRequestSpanWithOneGenAiChildPerAttempt() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(TracingFixtures.serverErrorEchoingKey()));
		fallback.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(TracingFixtures.completion("gpt-4o-mini-2024-07-18", COMPLETION, 37, 32, 11)));

		ChainResponse served = summarize();
		assertThat(served.isFallback()).isTrue();
		assertThat(served.text()).isEqualTo(COMPLETION);

		// Both provider calls carried the W3C trace context of one sampled trace.
		TraceParent toPrimary = TracingFixtures.traceParent(only(TracingFixtures.chatRequests(primary)));
		TraceParent toFallback = TracingFixtures.traceParent(only(TracingFixtures.chatRequests(fallback)));
		String traceId = toFallback.traceId();
		assertThat(toPrimary.traceId()).isEqualTo(traceId);
		assertThat(toPrimary.flags()).isEqualTo("01");
		assertThat(toFallback.flags()).isEqualTo("01");

		await().atMost(EXPORT_WAIT).untilAsserted(() -> {
			assertThat(receiver.span(traceId, "llm.fallback summarize")).isPresent();
			assertThat(receiver.span(traceId, "chat gpt-4o")).isPresent();
			assertThat(receiver.span(traceId, "chat gpt-4o-mini")).isPresent();
			assertThat(receiver.trace(traceId)).extracting(ReceivedSpan::spanId)
				.contains(toPrimary.parentSpanId(), toFallback.parentSpanId());
		});
		assertThat(receiver.rejected()).isEmpty();

		ReceivedSpan request = receiver.span(traceId, "llm.fallback summarize").orElseThrow();
		assertThat(request.parentSpanId()).as("the request span is the root").isEmpty();
		assertThat(request.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
		assertThat(request.statusCode()).isIn(NOT_ERROR);
		assertThat(request.resource()).containsEntry("service.name", "llm-fallback-tracing-it");
		assertThat(request.attributes()).containsEntry("llm.fallback.chain", "summarize")
			.containsEntry("llm.fallback.operation", "summarize")
			.containsEntry("llm.fallback.path", "fallback")
			.containsEntry("llm.fallback.attempts", "2");
		assertThat(request.events()).extracting(ReceivedEvent::name).doesNotContain("llm.fallback.short_circuit");

		List<ReceivedSpan> attempts = attemptSpans(traceId, request);
		assertThat(attempts).extracting(ReceivedSpan::name).containsExactly("chat gpt-4o", "chat gpt-4o-mini");

		ReceivedSpan first = attempts.get(0);
		assertThat(first.traceId()).isEqualTo(traceId);
		assertThat(first.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
		assertThat(first.attributes())
			.containsAllEntriesOf(Map.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
					"gen_ai.request.model", "gpt-4o", "gen_ai.request.temperature", "0.2", "llm.fallback.chain",
					"summarize", "llm.fallback.provider", "gpt", "llm.fallback.attempt", "0", "llm.fallback.path",
					"primary", "error.type", "server-error"))
			.doesNotContainKeys("llm.fallback.reason", "gen_ai.request.max_tokens", "gen_ai.response.model",
					"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.finish_reasons",
					"gen_ai.input.messages", "gen_ai.output.messages");
		assertThat(first.statusCode()).isEqualTo("STATUS_CODE_ERROR");
		assertThat(first.events()).singleElement().satisfies((exception) -> {
			assertThat(exception.name()).isEqualTo("exception");
			assertThat(exception.attributes()).containsEntry("exception.type",
					"io.llmfallback.provider.ProviderException");
			assertThat(exception.attributes().get("exception.message"))
				.startsWith("gpt failed: server-error (HTTP 500)");
		});

		ReceivedSpan second = attempts.get(1);
		assertThat(second.traceId()).isEqualTo(traceId);
		assertThat(second.attributes())
			.containsAllEntriesOf(
					Map.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model",
							"gpt-4o-mini", "gen_ai.request.temperature", "0.2", "gen_ai.request.max_tokens", "256",
							"llm.fallback.chain", "summarize", "llm.fallback.provider", "mini", "llm.fallback.attempt",
							"1", "llm.fallback.path", "fallback", "llm.fallback.reason", "server-error"))
			.containsAllEntriesOf(Map.of("gen_ai.response.model", "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens",
					"37", "gen_ai.usage.cache_read.input_tokens", "32", "gen_ai.usage.output_tokens", "11",
					"gen_ai.response.finish_reasons", "stop"))
			.doesNotContainKeys("error.type", "gen_ai.input.messages", "gen_ai.output.messages");
		assertThat(second.statusCode()).isIn(NOT_ERROR);
		// Attempts run one after the other, inside the request.
		assertThat(request.startNanos()).as("request span starts before its first attempt")
			.isLessThanOrEqualTo(first.startNanos());
		assertThat(first.endNanos()).as("the primary attempt span ends before the fallback attempt starts")
			.isLessThanOrEqualTo(second.startNanos());
		assertThat(second.endNanos()).as("the fallback attempt span ends before the request span")
			.isLessThanOrEqualTo(request.endNanos());

		// Each provider call's traceparent names the HTTP client span of its own attempt.
		assertProviderCallIsChildOf(traceId, toPrimary, first, primary, 500);
		assertProviderCallIsChildOf(traceId, toFallback, second, fallback, 200);

		// Neither the prompt, the completion nor the key, whole or masked, reaches the
		// collector.
		assertThat(receiver.trace(traceId))
			.allSatisfy((span) -> assertThat(span.allText()).noneMatch((text) -> text.contains(PROMPT_MARKER)
					|| text.contains(COMPLETION) || text.contains(API_KEY) || text.contains(KEY_SECRET_PART)));
	}

	@Test
	void primarySkippedByItsOpenBreakerIsAnEventOnTheRequestSpanAndNoAttemptSpan() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(TracingFixtures.serverErrorEchoingKey()));
		fallback.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(TracingFixtures.completion("gpt-4o-mini-2024-07-18", COMPLETION, 37, 0, 11)));
		// The default failure threshold is 3: three server errors open the primary's
		// breaker.
		for (int i = 0; i < 3; i++) {
			assertThat(summarize().isFallback()).isTrue();
		}
		assertThat(this.breakers.registry().circuitBreaker("gpt").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		primary.resetRequests();
		fallback.resetRequests();

		ChainResponse served = summarize();
		assertThat(served.isFallback()).isTrue();
		assertThat(TracingFixtures.chatRequests(primary)).as("the open breaker spares the primary").isEmpty();
		TraceParent toFallback = TracingFixtures.traceParent(only(TracingFixtures.chatRequests(fallback)));
		String traceId = toFallback.traceId();

		// Spans are exported in the order they end. A primary attempt span, had one been
		// made, would have ended before the fallback attempt's, so once the fallback's
		// span has arrived it would have too.
		await().atMost(EXPORT_WAIT).untilAsserted(() -> {
			assertThat(receiver.span(traceId, "llm.fallback summarize")).isPresent();
			assertThat(receiver.span(traceId, "chat gpt-4o-mini")).isPresent();
		});
		ReceivedSpan request = receiver.span(traceId, "llm.fallback summarize").orElseThrow();
		assertThat(request.attributes()).containsEntry("llm.fallback.chain", "summarize")
			.containsEntry("llm.fallback.path", "fallback");
		assertThat(request.events()).extracting(ReceivedEvent::name)
			.as("span events of the request span")
			.containsExactly("llm.fallback.short_circuit");

		List<ReceivedSpan> attempts = attemptSpans(traceId, request);
		assertThat(attempts).singleElement().satisfies((attempt) -> {
			assertThat(attempt.name()).isEqualTo("chat gpt-4o-mini");
			assertThat(attempt.attributes()).containsEntry("gen_ai.request.model", "gpt-4o-mini")
				.containsEntry("llm.fallback.provider", "mini")
				.containsEntry("llm.fallback.attempt", "1")
				.containsEntry("llm.fallback.path", "fallback")
				.containsEntry("llm.fallback.reason", "short-circuited")
				.containsEntry("gen_ai.usage.input_tokens", "37")
				.containsEntry("gen_ai.usage.output_tokens", "11")
				// Only tokens the provider served from its cache are reported.
				.doesNotContainKey("gen_ai.usage.cache_read.input_tokens");
			assertThat(attempt.statusCode()).isIn(NOT_ERROR);
		});
		assertThat(receiver.trace(traceId)).noneMatch((span) -> span.name().equals("chat gpt-4o"));
		assertProviderCallIsChildOf(traceId, toFallback, attempts.get(0), fallback, 200);
	}

	@Test
	void aRequestThatFindsEveryBreakerOpenMakesOneLastResortAttemptMarkedOnItsSpan() {
		primary.stubFor(OpenAiStubs.chatCompletion().willReturn(TracingFixtures.serverErrorEchoingKey()));
		fallback.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(TracingFixtures.completion("gpt-4o-mini-2024-07-18", COMPLETION, 37, 0, 11)));
		for (int i = 0; i < 3; i++) {
			assertThat(summarize().isFallback()).isTrue();
		}
		fallback.stubFor(OpenAiStubs.chatCompletion().willReturn(TracingFixtures.serverErrorEchoingKey()));
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(ChainFailureException.class).isThrownBy(this::summarize);
		}
		assertThat(this.breakers.state("gpt")).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.breakers.state("mini")).isEqualTo(CircuitBreaker.State.OPEN);
		primary.resetAll();
		fallback.resetAll();
		primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(TracingFixtures.completion("gpt-4o-2024-08-06", COMPLETION, 37, 0, 11)));

		// gpt's breaker opened first: it gets the last resort.
		ChainResponse served = summarize();
		assertThat(served.isFallback()).isFalse();
		assertThat(TracingFixtures.chatRequests(fallback)).isEmpty();
		String traceId = TracingFixtures.traceParent(only(TracingFixtures.chatRequests(primary))).traceId();

		await().atMost(EXPORT_WAIT).untilAsserted(() -> {
			assertThat(receiver.span(traceId, "llm.fallback summarize")).isPresent();
			assertThat(receiver.span(traceId, "chat gpt-4o")).isPresent();
		});
		ReceivedSpan request = receiver.span(traceId, "llm.fallback summarize").orElseThrow();
		assertThat(request.attributes()).containsEntry("llm.fallback.path", "primary")
			.containsEntry("llm.fallback.attempts", "3");
		assertThat(request.events()).extracting(ReceivedEvent::name)
			.containsExactly("llm.fallback.short_circuit", "llm.fallback.short_circuit");
		assertThat(attemptSpans(traceId, request)).singleElement().satisfies((attempt) -> {
			assertThat(attempt.name()).isEqualTo("chat gpt-4o");
			assertThat(attempt.attributes()).containsEntry("llm.fallback.last_resort", "true")
				.containsEntry("llm.fallback.reason", "short-circuited")
				.containsEntry("llm.fallback.provider", "gpt")
				.containsEntry("llm.fallback.attempt", "0")
				.containsEntry("llm.fallback.path", "primary");
			assertThat(attempt.statusCode()).isIn(NOT_ERROR);
		});
	}

	private ChainResponse summarize() {
		return this.chains.chain("summarize")
			.chat(ChatRequest.ofUser(PROMPT).withTemperature(0.2), "summarize")
			.block(Duration.ofSeconds(10));
	}

	/** The {@code chat ...} children of the request span, in attempt order. */
	private static List<ReceivedSpan> attemptSpans(String traceId, ReceivedSpan request) {
		return receiver.trace(traceId)
			.stream()
			.filter((span) -> span.name().startsWith("chat "))
			.peek((span) -> assertThat(span.parentSpanId()).as("parent of %s", span.name()).isEqualTo(request.spanId()))
			.sorted(Comparator.comparing((ReceivedSpan span) -> Integer
				.parseInt(span.attributes().getOrDefault("llm.fallback.attempt", "-1"))))
			.toList();
	}

	/**
	 * The span the provider request named as its parent in {@code traceparent} is the
	 * WebClient's HTTP client span for that call, and it is a child of the attempt span.
	 */
	private static void assertProviderCallIsChildOf(String traceId, TraceParent traceParent, ReceivedSpan attempt,
			WireMockServer server, int status) {
		ReceivedSpan caller = receiver.trace(traceId)
			.stream()
			.filter((span) -> span.spanId().equals(traceParent.parentSpanId()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No exported span " + traceParent.parentSpanId()));
		assertThat(caller.kind()).as("span %s that called the provider", caller.name())
			.isEqualTo(SpanKind.SPAN_KIND_CLIENT);
		assertThat(caller.parentSpanId()).as("parent of the HTTP client span %s", caller.name())
			.isEqualTo(attempt.spanId());
		assertThat(caller.attributes()).containsEntry("method", "POST")
			.containsEntry("uri", OpenAiStubs.PATH)
			.containsEntry("http.url", server.baseUrl() + OpenAiStubs.PATH)
			.containsEntry("status", String.valueOf(status));
	}

	private static <T> T only(List<T> items) {
		assertThat(items).hasSize(1);
		return items.get(0);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TracingApplication {

	}

}
