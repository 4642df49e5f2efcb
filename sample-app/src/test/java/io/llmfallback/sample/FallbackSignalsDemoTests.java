package io.llmfallback.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.llmfallback.observe.AlertTransition;
import io.llmfallback.sample.simulator.SimulatedProvidersInitializer;
import io.llmfallback.test.TrafficPrompts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The walk-through of {@code docs/sample-app.md} as a test, on the sample's own
 * configuration (demo alert windows): healthy traffic, a fault injected into the primary
 * through {@code /simulator}, traffic again, and then each of the six fallback signals
 * must have moved, in {@code /actuator/llmfallback/default} and in the Prometheus scrape,
 * to the value this test works out from the simulators' known latencies, answers and
 * prices.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = SimulatedProvidersInitializer.class)
// A context of its own, so that its signal windows hold this test's traffic and nothing
// else.
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class FallbackSignalsDemoTests {

	// Multiples of the 8 traffic prompts, so that both paths see each prompt equally
	// often.
	private static final int HEALTHY_REQUESTS = 400;

	private static final int OUTAGE_REQUESTS = 96;

	private static final int TOTAL = HEALTHY_REQUESTS + OUTAGE_REQUESTS;

	// Decimals as BigDecimal, so that costs compare exactly.
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	@Autowired
	private WebTestClient client;

	@Autowired
	private AlertEvents alerts;

	@Test
	void aFaultInjectedIntoThePrimaryMovesAllSixSignals(CapturedOutput output) {
		this.client = this.client.mutate().responseTimeout(Duration.ofSeconds(120)).build();
		// Warm-up through the other chain, whose signals are its own: the first, cold
		// requests of a fresh JVM would otherwise sit in the default chain's primary P95.
		traffic("summarize", 64);

		JsonNode healthy = traffic("default", HEALTHY_REQUESTS);
		assertThat(healthy.path("served").asInt()).isEqualTo(HEALTHY_REQUESTS);
		assertThat(healthy.path("fallbacks").asInt()).isZero();
		assertThat(healthy.path("failed").asInt()).isZero();

		this.client.put()
			.uri("/simulator/openai-sim/fault")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"status\":503}")
			.exchange()
			.expectStatus()
			.isOk();
		JsonNode outage = traffic("default", OUTAGE_REQUESTS);
		assertThat(outage.path("served").asInt()).isEqualTo(OUTAGE_REQUESTS);
		assertThat(outage.path("fallbacks").asInt()).isEqualTo(OUTAGE_REQUESTS);
		assertThat(outage.path("failed").asInt()).isZero();

		String scrape = scrape();
		// Requests that tried openai-sim before its breaker opened: at least the 3 that
		// opened it, at most a few more that were already in flight, which moved on as it
		// opened (cancelled) or failed as well.
		long triedPrimary = Math
			.round(sample(scrape, "llm_fallback_attempts_total",
					Map.of("chain", "default", "provider", "openai-sim", "outcome", "overloaded")))
				+ Math.round(sampleOrZero(scrape, "llm_fallback_attempts_total",
						Map.of("chain", "default", "provider", "openai-sim", "outcome", "cancelled")));
		assertThat(triedPrimary).isBetween(3L, 16L);

		JsonNode chain = get("/actuator/llmfallback/default");
		JsonNode signals = chain.path("signals");

		// 1. Activation rate: one request in five fell over; the alert (default threshold
		// 0.05) fires.
		double activationRate = (double) OUTAGE_REQUESTS / TOTAL;
		assertThat(chain.path("requests").asLong()).isEqualTo(TOTAL);
		assertThat(chain.path("fallbackActivations").asLong()).isEqualTo(OUTAGE_REQUESTS);
		assertThat(chain.path("activationRate").asDouble()).isEqualTo(activationRate);
		assertThat(activationRate).isGreaterThan(0.05);
		assertThat(alert(chain, "activation-rate").path("threshold").asDouble()).isEqualTo(0.05);
		assertThat(alert(chain, "activation-rate").path("firing").asBoolean()).isTrue();

		// 2. Fallback-path P95: anthropic-sim takes 200 ms to answer, openai-sim 20 ms.
		double primaryP95 = chain.path("primaryP95Ms").asDouble();
		double fallbackP95 = chain.path("fallbackP95Ms").asDouble();
		assertThat(fallbackP95).isGreaterThanOrEqualTo(200);
		assertThat(fallbackP95).isGreaterThan(primaryP95);
		assertThat(signals.path("fallbackP95Ratio").asDouble()).isCloseTo(fallbackP95 / primaryP95, within(1e-9));

		// 3. Output-length delta: anthropic-sim echoes 60% of a prompt's words,
		// openai-sim all of them.
		double primaryMean = TrafficPrompts.ALL.stream()
			.mapToInt((prompt) -> ("openai-sim echoes: " + prompt).length())
			.average()
			.orElseThrow();
		double fallbackMean = TrafficPrompts.ALL.stream()
			.mapToInt((prompt) -> ("anthropic-sim echoes: " + firstWords(prompt, 60)).length())
			.average()
			.orElseThrow();
		double lengthDelta = (fallbackMean - primaryMean) / primaryMean;
		assertThat(lengthDelta).isLessThan(-0.2);
		assertThat(signals.path("primaryMeanOutputLength").asDouble()).isCloseTo(primaryMean, within(1e-9));
		assertThat(signals.path("fallbackMeanOutputLength").asDouble()).isCloseTo(fallbackMean, within(1e-9));
		assertThat(chain.path("outputLengthDelta").asDouble()).isCloseTo(lengthDelta, within(1e-9));
		assertThat(alert(chain, "output-length-delta").path("firing").asBoolean()).isTrue();

		// 4. Blended cost per request: what the two batches cost, over every request.
		// Within the first minute
		// the recent window holds the same requests as the baseline; the ratio rises once
		// the healthy batch
		// is a minute old, as a fallback request costs more than 1.5 times a primary one.
		BigDecimal healthyCost = healthy.path("costUsd").decimalValue();
		BigDecimal outageCost = outage.path("costUsd").decimalValue();
		BigDecimal blended = healthyCost.add(outageCost).divide(BigDecimal.valueOf(TOTAL), 10, RoundingMode.HALF_UP);
		assertThat(chain.path("blendedCostPerRequestUsd").decimalValue()).isEqualByComparingTo(blended);
		assertThat(signals.path("blendedCostRatio").isNumber()).isTrue();
		BigDecimal perHealthyRequest = healthyCost.divide(BigDecimal.valueOf(HEALTHY_REQUESTS), 10,
				RoundingMode.HALF_UP);
		BigDecimal perFallbackRequest = outageCost.divide(BigDecimal.valueOf(OUTAGE_REQUESTS), 10,
				RoundingMode.HALF_UP);
		assertThat(perFallbackRequest).isGreaterThan(perHealthyRequest.multiply(new BigDecimal("1.5")));

		// 5. Breaker: openai-sim's is open, and so is its alert.
		JsonNode report = get("/actuator/llmfallback");
		assertThat(report.path("providers").path("openai-sim").path("circuitBreaker").asString()).isEqualTo("OPEN");
		assertThat(report.path("providers").path("anthropic-sim").path("circuitBreaker").asString())
			.isEqualTo("CLOSED");
		assertThat(report.path("alerts")
			.valueStream()
			.filter((alert) -> alert.path("signal").asString().equals("breaker-open")
					&& alert.path("provider").asString().equals("openai-sim"))
			.map((alert) -> alert.path("firing").asBoolean())).containsExactly(true);

		// 6. Middleware overhead: the guardrail runs once a request, the redaction once
		// an attempt. A primary
		// request costs 2 evaluations; a fallback one 3 if it tried openai-sim first, 2
		// once the breaker skips it.
		double fallbackPerRequest = (2.0 * OUTAGE_REQUESTS + triedPrimary) / OUTAGE_REQUESTS;
		assertThat(signals.path("primaryMiddlewarePerRequest").asDouble()).isEqualTo(2.0);
		assertThat(signals.path("fallbackMiddlewarePerRequest").asDouble()).isCloseTo(fallbackPerRequest, within(1e-9));
		assertThat(signals.path("middlewareOverhead").asDouble()).isGreaterThan(0)
			.isCloseTo(fallbackPerRequest / 2 - 1, within(1e-9));

		// The same signals in the Prometheus scrape (gauges read at scrape time, alerts
		// as last evaluated).
		scrape = scrape();
		assertThat(sample(scrape, "llm_fallback_signal", Map.of("chain", "default", "signal", "activation-rate")))
			.isEqualTo(activationRate);
		assertThat(sample(scrape, "llm_fallback_signal",
				Map.of("chain", "default", "signal", "output-length-delta", "operation", "")))
			.isCloseTo(lengthDelta, within(1e-9));
		assertThat(sample(scrape, "llm_fallback_signal", Map.of("chain", "default", "signal", "fallback-p95-ratio")))
			.isGreaterThan(1);
		assertThat(sample(scrape, "llm_fallback_signal", Map.of("chain", "default", "signal", "blended-cost-ratio")))
			.isPositive();
		assertThat(sample(scrape, "llm_fallback_signal", Map.of("chain", "default", "signal", "middleware-overhead")))
			.isCloseTo(fallbackPerRequest / 2 - 1, within(1e-9));
		assertThat(sample(scrape, "llm_fallback_requests_total",
				Map.of("chain", "default", "path", "fallback", "provider", "anthropic-sim")))
			.isEqualTo(OUTAGE_REQUESTS);
		assertThat(sample(scrape, "llm_fallback_requests_total", Map.of("chain", "default", "path", "primary")))
			.isEqualTo(HEALTHY_REQUESTS);
		assertThat(sample(scrape, "llm_fallback_alert_firing", Map.of("chain", "default", "signal", "activation-rate")))
			.isEqualTo(1);
		assertThat(
				sample(scrape, "llm_fallback_alert_firing", Map.of("signal", "breaker-open", "provider", "openai-sim")))
			.isEqualTo(1);
		assertThat(sample(scrape, "llm_fallback_middleware_evaluations_total",
				Map.of("chain", "default", "stage", "attempt", "path", "fallback")))
			.isEqualTo(OUTAGE_REQUESTS + triedPrimary);
		assertThat(sample(scrape, "llm_fallback_middleware_evaluations_total",
				Map.of("chain", "default", "stage", "request", "path", "fallback")))
			.isEqualTo(OUTAGE_REQUESTS);
		assertThat(sample(scrape, "resilience4j_circuitbreaker_state", Map.of("name", "openai-sim", "state", "open")))
			.isEqualTo(1);
		assertThat(scrape).contains("gen_ai_client_operation_duration_seconds_bucket{",
				"llm_fallback_request_duration_seconds_bucket{");

		// Each alert was announced as it started firing: once as an event, and at WARN in
		// the log.
		assertThat(this.alerts.transitions).filteredOn(AlertTransition::firing)
			.extracting((transition) -> transition.alert().signal() + " "
					+ Objects.requireNonNullElse(transition.alert().chain(), transition.alert().provider()))
			.containsOnlyOnce("activation-rate default", "breaker-open openai-sim")
			.contains("output-length-delta default");
		assertThat(output.getAll()).contains("LLM fallback alert firing: activation-rate chain=default",
				"LLM fallback alert firing: output-length-delta chain=default",
				"LLM fallback alert firing: breaker-open provider=openai-sim",
				"LLM provider 'openai-sim' circuit breaker CLOSED -> OPEN");
	}

	private JsonNode traffic(String chain, int requests) {
		return JSON.readTree(this.client.post()
			.uri("/simulator/traffic")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("chain", chain, "requests", requests, "concurrency", 8))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	private JsonNode get(String uri) {
		return JSON.readTree(this.client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	private String scrape() {
		String scrape = this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(scrape).isNotNull();
		return scrape;
	}

	private static JsonNode alert(JsonNode chain, String signal) {
		List<JsonNode> matching = chain.path("alerts")
			.valueStream()
			.filter((alert) -> alert.path("signal").asString().equals(signal))
			.toList();
		assertThat(matching).as(signal + " alert").hasSize(1);
		return matching.get(0);
	}

	/** Every alert transition of this test's context, as the starter publishes them. */
	@TestConfiguration(proxyBeanMethods = false)
	static class AlertEvents {

		final List<AlertTransition> transitions = new CopyOnWriteArrayList<>();

		@EventListener
		void onTransition(AlertTransition transition) {
			this.transitions.add(transition);
		}

	}

	/**
	 * The first {@code percent} of the text's words, rounded up, as the simulators count
	 * them.
	 */
	private static String firstWords(String text, int percent) {
		String[] words = text.strip().split("\\s+");
		return String.join(" ", List.of(words).subList(0, (words.length * percent + 99) / 100));
	}

	/** The value of the one sample of that metric whose labels include the given ones. */
	private static double sample(String scrape, String metric, Map<String, String> labels) {
		List<Double> values = samples(scrape, metric, labels);
		assertThat(values).as(metric + labels).hasSize(1);
		return values.get(0);
	}

	/**
	 * The sample's value, or 0 for a counter never incremented, which the registry has
	 * not created.
	 */
	private static double sampleOrZero(String scrape, String metric, Map<String, String> labels) {
		List<Double> values = samples(scrape, metric, labels);
		assertThat(values).as(metric + labels).hasSizeLessThanOrEqualTo(1);
		return values.isEmpty() ? 0 : values.get(0);
	}

	private static List<Double> samples(String scrape, String metric, Map<String, String> labels) {
		Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = line.matcher(scrape);
		List<Double> values = new ArrayList<>();
		while (matcher.find()) {
			String labelText = matcher.group(1);
			if (labels.entrySet()
				.stream()
				.allMatch((label) -> labelText.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
				values.add(Double.parseDouble(matcher.group(2)));
			}
		}
		return values;
	}

}
