package io.llmfallback.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.Scrape;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The alert rules and the dashboard against what a running application really exports:
 * traffic that makes every meter exist (a primary-served request, fallback-served ones
 * after primary 500s until the primary's breaker opens, a short-circuited one, an
 * exhausted one), one scrape of {@code /actuator/prometheus} in each format Prometheus
 * negotiates, and every metric, label matcher and grouping label that a rule or panel
 * names must be in it. The PromQL formulas are also checked against the starter's own
 * figures.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus,llmfallback,health",
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.gpt.pricing.input-per-million-tokens=2.50",
				"llm.fallback.providers.gpt.pricing.output-per-million-tokens=10",
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.providers.claude.pricing.input-per-million-tokens=3",
				"llm.fallback.providers.claude.pricing.output-per-million-tokens=15",
				"llm.fallback.chains.summarize.providers=gpt,claude" })
@AutoConfigureWebTestClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsMetricsIntegrationTests {

	private static final MediaType TEXT_FORMAT = MediaType.parseMediaType("text/plain;version=0.0.4");

	/**
	 * The OpenTelemetry GenAI conventions' bucket boundaries of
	 * gen_ai.client.operation.duration, seconds.
	 */
	static final double[] OPERATION_DURATION_BUCKETS = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
			10.24, 20.48, 40.96, 81.92 };

	/**
	 * The OpenTelemetry GenAI conventions' bucket boundaries of
	 * gen_ai.client.token.usage.
	 */
	static final double[] TOKEN_USAGE_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
			16777216, 67108864 };

	/**
	 * The starter's buckets of llm.fallback.request.duration, seconds, as
	 * docs/operations.md lists them.
	 */
	static final double[] REQUEST_DURATION_BUCKETS = { 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20,
			30, 45, 60, 90, 120, 180, 300 };

	private static final MediaType OPENMETRICS = MediaType.parseMediaType("application/openmetrics-text;version=1.0.0");

	// Started here, not by the kit's JUnit extension: with a per-class lifecycle the
	// context loads before its beforeAll.
	private static final SimulatedProviders providers = SimulatedProviders.builder()
		.provider("gpt", WireProtocol.OPENAI)
		.provider("claude", WireProtocol.OPENAI)
		.start();

	@Autowired
	private WebTestClient webClient;

	@Autowired
	private FallbackChains chains;

	private Scrape text;

	private Scrape openMetrics;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		providers.baseUrlProperties().forEach((name, url) -> registry.add(name, () -> url));
	}

	@AfterAll
	static void stop() {
		providers.close();
	}

	@BeforeAll
	void sendTrafficAndScrape() {
		FallbackChain chain = this.chains.chain("summarize");
		SimulatedProvider primary = providers.get("gpt");
		SimulatedProvider secondary = providers.get("claude");
		primary.answerWith("a primary answer");
		secondary.answerWith("fallback");
		assertThat(chain.chat(ChatRequest.ofUser("hello"), "summarize").block().isFallback()).isFalse();

		// Three primary failures open its breaker (CLOSED -> OPEN); the fourth request
		// skips it.
		primary.inject(Fault.ofStatus(500));
		for (int i = 0; i < 4; i++) {
			ChainResponse served = chain.chat(ChatRequest.ofUser("hello"), "summarize").block();
			assertThat(served.isFallback()).isTrue();
		}
		assertThat(chain.chat(ChatRequest.ofUser("hello"), "summarize").block().attempts().get(0).label())
			.isEqualTo("short-circuited");

		// Every provider failing: a request no path served.
		secondary.inject(Fault.ofStatus(500));
		assertThatExceptionOfType(ChainFailureException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello"), "summarize").block());

		this.text = scrape(TEXT_FORMAT);
		this.openMetrics = scrape(OPENMETRICS);
	}

	private Scrape scrape(MediaType format) {
		String body = this.webClient.get()
			.uri("/actuator/prometheus")
			.accept(format)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return Scrape.parse(body);
	}

	@Test
	void everyMeterOfTheContractIsExported() {
		for (Scrape scrape : List.of(this.text, this.openMetrics)) {
			assertThat(scrape.metricNames()).contains("llm_fallback_requests_total", "llm_fallback_attempts_total",
					"llm_fallback_request_duration_seconds_bucket", "llm_fallback_request_duration_seconds_count",
					"llm_fallback_request_duration_seconds_sum", "llm_fallback_request_duration_seconds_max",
					"llm_fallback_cost_total", "llm_fallback_output_length_count", "llm_fallback_output_length_sum",
					"llm_fallback_output_length_max", "llm_fallback_breaker_transitions_total",
					"llm_fallback_middleware_evaluations_total", "gen_ai_client_operation_duration_seconds_bucket",
					"gen_ai_client_token_usage_bucket", "gen_ai_client_token_usage_count",
					"gen_ai_client_token_usage_sum", "llm_fallback_signal", "llm_fallback_alert_firing",
					"resilience4j_circuitbreaker_state");
			assertThat(scrape.labels("llm_fallback_requests_total")).containsOnlyKeys("chain", "operation", "outcome",
					"path", "provider");
			assertThat(scrape.labels("llm_fallback_requests_total").get("path")).containsExactlyInAnyOrder("primary",
					"fallback", "none");
			assertThat(scrape.labels("llm_fallback_attempts_total")).containsOnlyKeys("chain", "provider", "outcome");
			assertThat(scrape.labels("llm_fallback_request_duration_seconds_bucket")).containsOnlyKeys("chain", "path",
					"le");
			assertThat(scrape.labels("llm_fallback_cost_total")).containsOnlyKeys("chain", "provider", "path");
			assertThat(scrape.labels("llm_fallback_output_length_count")).containsOnlyKeys("chain", "operation",
					"provider", "path");
			assertThat(scrape.labels("llm_fallback_breaker_transitions_total")).containsOnlyKeys("provider", "from",
					"to");
			assertThat(scrape.labels("llm_fallback_middleware_evaluations_total")).containsOnlyKeys("chain", "stage",
					"path");
			assertThat(scrape.labels("llm_fallback_signal")).containsOnlyKeys("chain", "signal", "operation");
			assertThat(scrape.labels("llm_fallback_signal").get("operation")).containsExactlyInAnyOrder("",
					"summarize");
			assertThat(scrape.labels("llm_fallback_signal").get("signal")).containsExactlyInAnyOrder("activation-rate",
					"fallback-p95-ratio", "output-length-delta", "blended-cost-ratio", "middleware-overhead");
			assertThat(scrape.labels("llm_fallback_alert_firing")).containsOnlyKeys("signal", "chain", "provider");
		}
	}

	/**
	 * Each series of a histogram has exactly its explicit buckets, in both formats: the
	 * GenAI conventions' for the GenAI meters, the starter's own (past the 60 s default
	 * latency budget) for logical requests.
	 */
	@Test
	void everyHistogramSeriesHasExactlyItsExplicitBuckets() {
		for (Scrape scrape : List.of(this.text, this.openMetrics)) {
			assertBuckets(scrape, "gen_ai_client_operation_duration_seconds_bucket", OPERATION_DURATION_BUCKETS);
			assertBuckets(scrape, "gen_ai_client_token_usage_bucket", TOKEN_USAGE_BUCKETS);
			assertBuckets(scrape, "llm_fallback_request_duration_seconds_bucket", REQUEST_DURATION_BUCKETS);
		}
	}

	/**
	 * Every series of the histogram has one bucket line per boundary, plus +Inf, and no
	 * other.
	 */
	static void assertBuckets(Scrape scrape, String metric, double... boundaries) {
		List<Double> expected = new ArrayList<>(Arrays.stream(boundaries).boxed().toList());
		expected.add(Double.POSITIVE_INFINITY);
		Map<Map<String, String>, List<Double>> series = new LinkedHashMap<>();
		for (Scrape.Sample sample : scrape.samples(metric)) {
			Map<String, String> labels = new LinkedHashMap<>(sample.labels());
			double le = Double.parseDouble(labels.remove("le").replace("+Inf", "Infinity"));
			series.computeIfAbsent(labels, (key) -> new ArrayList<>()).add(le);
		}
		assertThat(series).as(metric).isNotEmpty();
		series.forEach((labels, les) -> assertThat(les).as(metric + labels).containsExactlyElementsOf(expected));
	}

	@Test
	void everyMetricThatARuleNamesIsExported() {
		List<String> problems = new ArrayList<>();
		for (OperationsArtifacts.Rule rule : OperationsArtifacts.rules()) {
			assertThat(PromQl.metricNames(rule.expr())).as(rule.name()).isNotEmpty();
			problems
				.addAll(MetricReferences.problems("rule " + rule.name() + " (text format)", rule.expr(), this.text));
			problems.addAll(
					MetricReferences.problems("rule " + rule.name() + " (OpenMetrics)", rule.expr(), this.openMetrics));
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void everyMetricThatTheDashboardNamesIsExported() {
		List<String> problems = new ArrayList<>();
		List<OperationsArtifacts.Query> queries = OperationsArtifacts.dashboardQueries();
		assertThat(queries).isNotEmpty();
		for (OperationsArtifacts.Query query : queries) {
			assertThat(PromQl.metricNames(query.expr())).as(query.where()).isNotEmpty();
			problems.addAll(MetricReferences.problems(query.where(), query.expr(), this.text));
			problems
				.addAll(MetricReferences.problems(query.where() + " (OpenMetrics)", query.expr(), this.openMetrics));
		}
		for (OperationsArtifacts.LabelValues variable : OperationsArtifacts.templateQueries()) {
			String where = "variable " + variable.variable();
			problems.addAll(MetricReferences.problems(where, variable.selector(), this.text));
			for (String metric : PromQl.metricNames(variable.selector())) {
				Set<String> labels = this.text.labels(metric).keySet();
				if (!labels.contains(variable.label()) && !MetricReferences.TARGET_LABELS.contains(variable.label())) {
					problems.add(where + ": " + metric + " has no label '" + variable.label() + "'");
				}
			}
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void everyMetricThatTheOperationsGuideQueriesIsExported() {
		List<String> problems = new ArrayList<>();
		List<OperationsArtifacts.Query> queries = OperationsArtifacts.guideQueries();
		assertThat(queries).hasSizeGreaterThanOrEqualTo(6);
		for (OperationsArtifacts.Query query : queries) {
			assertThat(PromQl.metricNames(query.expr())).as(query.where()).isNotEmpty();
			problems.addAll(MetricReferences.problems(query.where(), query.expr(), this.text));
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void aRuleNamingAMeterWeDoNotExportFails() {
		String rule = "sum by (job, chain) (increase(llm_fallback_requests_total{path=\"fallback\"}[15m])) "
				+ "/ sum by (job, chain) (increase(llm_fallback_bogus_total[15m]))";
		assertThat(MetricReferences.problems("bogus", rule, this.text))
			.containsExactly("bogus: metric 'llm_fallback_bogus_total' is not exported");
		assertThat(MetricReferences.problems("case", "llm_fallback_breaker_transitions_total{to=\"open\"}", this.text))
			.singleElement()
			.asString()
			.contains("matches nothing exported");
	}

	/**
	 * The rules compute the signals from the raw meters the way the starter does
	 * in-process: with all of this test's traffic inside every window, the two must
	 * agree.
	 */
	@Test
	void promqlFormulasAgreeWithTheStartersSignals() {
		JsonNode report = JsonMapper.builder()
			.build()
			.readTree(this.webClient.get()
				.uri("/actuator/llmfallback/summarize")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody());
		Scrape scrape = this.text;
		double requests = scrape.sum("llm_fallback_requests_total", Scrape.any());
		double fallbackRequests = scrape.sum("llm_fallback_requests_total", Scrape.label("path", "fallback"));
		double primaryRequests = scrape.sum("llm_fallback_requests_total", Scrape.label("path", "primary"));
		assertThat(requests).isEqualTo(report.path("requests").asDouble()).isEqualTo(7);

		// Activation rate: fallback-served over every logical request, failed ones
		// included.
		assertThat(fallbackRequests / requests).isCloseTo(report.path("activationRate").asDouble(), within(1e-9));

		// Output length delta: mean fallback length over mean primary length, minus one
		// (one operation here).
		double fallbackMean = scrape.sum("llm_fallback_output_length_sum", Scrape.label("path", "fallback"))
				/ scrape.sum("llm_fallback_output_length_count", Scrape.label("path", "fallback"));
		double primaryMean = scrape.sum("llm_fallback_output_length_sum", Scrape.label("path", "primary"))
				/ scrape.sum("llm_fallback_output_length_count", Scrape.label("path", "primary"));
		assertThat(fallbackMean / primaryMean - 1).isCloseTo(report.path("outputLengthDelta").asDouble(), within(1e-9));

		// Blended cost per request: every billed attempt over every logical request.
		double cost = scrape.sum("llm_fallback_cost_total", Scrape.any());
		assertThat(cost / requests).isCloseTo(report.path("blendedCostPerRequestUsd").asDouble(), within(1e-9));

		// Middleware overhead: evaluations per fallback-served request over those per
		// primary-served one, minus one.
		double fallbackEvaluations = scrape.sum("llm_fallback_middleware_evaluations_total",
				Scrape.label("path", "fallback"));
		double primaryEvaluations = scrape.sum("llm_fallback_middleware_evaluations_total",
				Scrape.label("path", "primary"));
		assertThat((fallbackEvaluations / fallbackRequests) / (primaryEvaluations / primaryRequests) - 1)
			.isCloseTo(report.path("signals").path("middlewareOverhead").asDouble(), within(1e-9));

		// Breaker: the transition counter and the Resilience4j state gauge both show the
		// open primary.
		assertThat(scrape.sum("llm_fallback_breaker_transitions_total",
				(labels) -> "gpt".equals(labels.get("provider")) && "OPEN".equals(labels.get("to"))))
			.isEqualTo(1);
		assertThat(scrape.sum("resilience4j_circuitbreaker_state",
				(labels) -> "gpt".equals(labels.get("name")) && "open".equals(labels.get("state"))))
			.isEqualTo(1);
		assertThat(scrape.sum("llm_fallback_alert_firing",
				(labels) -> "gpt".equals(labels.get("provider")) && "breaker-open".equals(labels.get("signal"))))
			.isEqualTo(1);
		assertThat(report.path("alerts").isArray()).isTrue();
		assertThat(Map.of("fallback", fallbackRequests, "primary", primaryRequests))
			.isEqualTo(Map.of("fallback", 5.0, "primary", 1.0));
	}

	@SpringBootApplication
	static class TestApplication {

		/** Runs once per logical request. */
		@Bean
		ChainMiddleware inputGuardrail() {
			return () -> ChainMiddleware.Stage.REQUEST;
		}

		/** Runs before every attempt: re-runs on each fallback. */
		@Bean
		ChainMiddleware attemptGuardrail() {
			return () -> ChainMiddleware.Stage.ATTEMPT;
		}

	}

}
