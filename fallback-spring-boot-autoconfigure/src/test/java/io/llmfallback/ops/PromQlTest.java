package io.llmfallback.ops;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.llmfallback.support.Scrape;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PromQL reader the operations tests rely on, on the constructs the rules and
 * dashboard use.
 */
class PromQlTest {

	@Test
	void metricNamesLeaveOutFunctionsKeywordsLabelsDurationsAndStrings() {
		String expression = """
				(
				    sum by (job, chain) (increase(llm_fallback_requests_total{path="fallback"}[15m]))
				  /
				    sum by (job, chain) (increase(llm_fallback_requests_total[15m] offset 1h))
				) > 0.05
				and on (job, chain)
				  sum without (instance) (rate(llm_fallback_cost_total[7d])) >= 20
				or
				max by (job, provider) (label_replace(resilience4j_circuitbreaker_state{state=~"open|half_open"},
				  "provider", "$1", "name", "(.+)")) == 1
				unless histogram_quantile(0.95, sum by (le) (rate(llm_fallback_request_duration_seconds_bucket[5m]))) > bool 2
				""";
		assertThat(PromQl.metricNames(expression)).containsExactly("llm_fallback_requests_total",
				"llm_fallback_cost_total", "resilience4j_circuitbreaker_state",
				"llm_fallback_request_duration_seconds_bucket");
	}

	@Test
	void grafanaVariablesAreNotMetrics() {
		String expression = "sum by (chain) (rate(llm_fallback_attempts_total{job=~\"$job\",chain=~\"${chain}\"}"
				+ "[$__rate_interval])) / $scale";
		PromQl.References references = PromQl.read(expression);
		assertThat(references.metricNames()).containsExactly("llm_fallback_attempts_total");
		assertThat(references.selectors().get(0).matchers()).containsExactly(new PromQl.Matcher("job", "=~", "$job"),
				new PromQl.Matcher("chain", "=~", "${chain}"));
	}

	@Test
	void readsMatchersGroupingLabelsAndLabelsThatLabelReplaceCreates() {
		PromQl.References references = PromQl.read("""
				sum by (provider, to) (increase(llm_fallback_breaker_transitions_total{to="OPEN", from!='CLOSED'}[5m]))
				/ on (provider) group_left (chain)
				label_replace(x{a="b"}, "provider", "$1", "name", "(.*)")
				""");
		assertThat(references.selectors()).containsExactly(
				new PromQl.Selector("llm_fallback_breaker_transitions_total",
						List.of(new PromQl.Matcher("to", "=", "OPEN"), new PromQl.Matcher("from", "!=", "CLOSED"))),
				new PromQl.Selector("x", List.of(new PromQl.Matcher("a", "=", "b"))));
		assertThat(references.groupingLabels()).containsExactly("provider", "to", "chain");
		assertThat(references.createdLabels()).containsExactly("provider");
	}

	@Test
	void numbersWithExponentsAndDurationsAreNotIdentifiers() {
		assertThat(PromQl.metricNames("a_metric > 1e3 and b_metric offset 1h30m < 0x1F or c:recorded:rate5m * Inf"))
			.containsExactly("a_metric", "b_metric", "c:recorded:rate5m");
	}

	@Test
	void anUnknownMetricIsReported() {
		Scrape scrape = Scrape.parse("""
				# TYPE llm_fallback_requests_total counter
				llm_fallback_requests_total{chain="summarize",path="primary"} 3.0
				llm_fallback_requests_total{chain="summarize",path="fallback"} 1.0
				""");
		assertThat(MetricReferences.problems("ok",
				"sum by (job, chain) (rate(llm_fallback_requests_total" + "{path=\"fallback\"}[5m]))", scrape))
			.isEmpty();
		assertThat(MetricReferences.problems("rule", "sum(rate(llm_fallback_bogus_total[5m]))", scrape))
			.containsExactly("rule: metric 'llm_fallback_bogus_total' is not exported");
		assertThat(MetricReferences.problems("rule", "llm_fallback_requests_total{path=\"Fallback\"}", scrape))
			.singleElement()
			.asString()
			.contains("path=\"Fallback\"} matches nothing exported");
		assertThat(MetricReferences.problems("rule", "llm_fallback_requests_total{route=\"x\"}", scrape))
			.singleElement()
			.asString()
			.contains("has no label 'route'");
		assertThat(MetricReferences.problems("rule", "sum by (operation) (llm_fallback_requests_total)", scrape))
			.singleElement()
			.asString()
			.contains("grouping label 'operation'");
	}

	@Test
	void scrapeKeepsLabelsAndValues() {
		Scrape scrape = Scrape.parse("""
				# HELP x_total help
				x_total{a="1",b="with \\"quote\\""} 2.5
				x_total{a="2",b=""} 1.0 1700000000000
				y NaN
				""");
		assertThat(scrape.metricNames()).containsExactly("x_total", "y");
		assertThat(scrape.labels("x_total"))
			.isEqualTo(Map.of("a", Set.of("1", "2"), "b", Set.of("with \"quote\"", "")));
		assertThat(scrape.sum("x_total", Scrape.any())).isEqualTo(3.5);
		assertThat(scrape.sum("x_total", Scrape.label("a", "2"))).isEqualTo(1.0);
	}

}
