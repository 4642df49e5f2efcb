package io.llmfallback.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.llmfallback.observe.Signal;
import io.llmfallback.observe.internal.AlertSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure of {@code docs/prometheus/llm-fallback-rules.yml}, and its thresholds and
 * windows against the starter's defaults ({@link AlertSettings#DEFAULTS}).
 */
class PrometheusRulesFileTest {

	private static final Pattern DURATION = Pattern.compile("^(\\d+(ms|s|m|h|d|w|y))+$");

	private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

	private static final Set<String> SIGNALS = Arrays.stream(Signal.values())
		.map(Signal::wireName)
		.collect(Collectors.toSet());

	/** A strict comparison with a number: "> 0.05", not ">= 20". */
	private static final Pattern GREATER_THAN = Pattern.compile(">\\s*(\\d+(\\.\\d+)?)");

	@Test
	@SuppressWarnings("unchecked")
	void isAListOfNamedGroupsOfRules() {
		Map<String, Object> document = OperationsArtifacts.rulesDocument();
		assertThat(document).containsOnlyKeys("groups");
		List<Map<String, Object>> groups = (List<Map<String, Object>>) document.get("groups");
		assertThat(groups).isNotEmpty();
		Set<String> names = new HashSet<>();
		for (Map<String, Object> group : groups) {
			assertThat(group).containsKeys("name", "rules");
			assertThat(names.add(String.valueOf(group.get("name")))).as("unique group name %s", group.get("name"))
				.isTrue();
			assertThat((List<Object>) group.get("rules")).as("rules of %s", group.get("name")).isNotEmpty();
		}
	}

	@Test
	void everyRuleIsAnAlertWithExprForSeveritySummaryDescriptionAndRunbook() {
		Set<String> anchors = OperationsArtifacts.operationsAnchors();
		Set<String> alerts = new HashSet<>();
		for (OperationsArtifacts.Rule rule : OperationsArtifacts.rules()) {
			Map<String, Object> definition = rule.definition();
			String name = rule.name();
			assertThat(definition).as(name).containsKeys("alert", "expr", "for", "labels", "annotations");
			assertThat(definition.keySet()).as(name)
				.isSubsetOf("alert", "expr", "for", "keep_firing_for", "labels", "annotations");
			assertThat(alerts.add(name)).as("unique alert name %s", name).isTrue();
			assertThat(name).as(name).matches("[A-Z][A-Za-z0-9]+");
			assertThat(rule.expr()).as(name).isNotBlank();
			assertThat(String.valueOf(definition.get("for"))).as(name + " for").matches(DURATION);
			assertThat(rule.labels().get("severity")).as(name + " severity").isIn(SEVERITIES);
			assertThat(rule.labels().get("signal")).as(name + " signal").isIn(SIGNALS);
			assertThat(String.valueOf(rule.annotations().get("summary"))).as(name + " summary")
				.isNotBlank()
				.isNotEqualTo("null");
			assertThat(String.valueOf(rule.annotations().get("description"))).as(name + " description")
				.isNotBlank()
				.isNotEqualTo("null");
			String runbook = String.valueOf(rule.annotations().get("runbook_url"));
			assertThat(runbook).as(name + " runbook_url").startsWith(OperationsArtifacts.OPERATIONS + "#");
			assertThat(anchors).as(name + " runbook anchor in " + OperationsArtifacts.OPERATIONS)
				.contains(runbook.substring(runbook.indexOf('#') + 1));
		}
	}

	@Test
	void eachGroupCoversTheSixSignalsOnce() {
		Map<String, List<String>> signalsByGroup = new LinkedHashMap<>();
		OperationsArtifacts.rules()
			.forEach((rule) -> signalsByGroup.computeIfAbsent(rule.group(), (key) -> new ArrayList<>())
				.add(String.valueOf(rule.labels().get("signal"))));
		assertThat(signalsByGroup).containsOnlyKeys("llm-fallback", "llm-fallback-starter");
		signalsByGroup
			.forEach((group, signals) -> assertThat(signals).as(group).containsExactlyInAnyOrderElementsOf(SIGNALS));
	}

	@Test
	void breakerAlertsPageAndMiddlewareOverheadIsOnlyTracked() {
		for (OperationsArtifacts.Rule rule : OperationsArtifacts.rules()) {
			Object signal = rule.labels().get("signal");
			Object severity = rule.labels().get("severity");
			if (Signal.BREAKER_OPEN.wireName().equals(signal)) {
				assertThat(severity).as(rule.name()).isEqualTo("critical");
				assertThat(rule.definition().get("for")).as(rule.name() + ": any transition, at once").isEqualTo("0m");
			}
			else if (Signal.MIDDLEWARE_OVERHEAD.wireName().equals(signal)) {
				assertThat(severity).as(rule.name()).isEqualTo("info");
			}
			else {
				assertThat(severity).as(rule.name()).isEqualTo("warning");
			}
		}
	}

	@Test
	void promqlGroupUsesTheStarterDefaultsAndMinimumTraffic() {
		AlertSettings defaults = AlertSettings.DEFAULTS;
		String guard = "sum by (job, chain) (increase(llm_fallback_requests_total["
				+ promql(defaults.activationRateWindow()) + "])) >= " + defaults.minRequests();
		Map<String, String> exprs = new LinkedHashMap<>();
		OperationsArtifacts.rules()
			.stream()
			.filter((rule) -> rule.group().equals("llm-fallback"))
			.forEach((rule) -> exprs.put(String.valueOf(rule.labels().get("signal")), rule.expr()));

		assertThreshold(exprs.get("activation-rate"), defaults.activationRateThreshold(),
				defaults.activationRateWindow());
		assertThreshold(exprs.get("fallback-p95-ratio"), defaults.fallbackP95RatioThreshold(),
				defaults.fallbackP95Window(), defaults.primaryP95Baseline());
		assertThreshold(exprs.get("output-length-delta"), defaults.outputLengthDeltaThreshold(),
				defaults.outputLengthDeltaWindow());
		assertThreshold(exprs.get("blended-cost-ratio"), defaults.blendedCostRatioThreshold(),
				defaults.blendedCostWindow(), defaults.blendedCostBaseline());
		assertThreshold(exprs.get("middleware-overhead"), defaults.middlewareOverheadThreshold(),
				defaults.middlewareOverheadWindow());
		// The output length delta is per operation: each operation needs its own served
		// requests in its window.
		String operationGuard = "sum by (job, chain, operation) (increase(llm_fallback_output_length_count["
				+ promql(defaults.outputLengthDeltaWindow()) + "])) >= " + defaults.minRequests();
		exprs.forEach((signal, expr) -> {
			if (signal.equals(Signal.OUTPUT_LENGTH_DELTA.wireName())) {
				assertThat(normalized(expr)).as(signal + ": minimum traffic guard per operation")
					.contains(operationGuard)
					.doesNotContain("sum by (job, chain) (");
			}
			else if (!signal.equals(Signal.BREAKER_OPEN.wireName())) {
				assertThat(normalized(expr)).as(signal + ": minimum traffic guard").contains(guard);
			}
		});
		assertThat(normalized(exprs.get("breaker-open")))
			.contains("llm_fallback_breaker_transitions_total{to=\"OPEN\"}")
			.contains("resilience4j_circuitbreaker_state{state=~\"open|half_open|forced_open\"}");
	}

	@Test
	void starterGroupReadsTheStartersAlertGaugeForItsSignal() {
		OperationsArtifacts.rules()
			.stream()
			.filter((rule) -> rule.group().equals("llm-fallback-starter"))
			.forEach((rule) -> {
				String signal = String.valueOf(rule.labels().get("signal"));
				assertThat(normalized(rule.expr())).as(rule.name())
					.contains("llm_fallback_alert_firing{signal=\"" + signal + "\"} == 1");
			});
	}

	private static void assertThreshold(String expr, double threshold, Duration... windows) {
		assertThat(expr).isNotNull();
		List<Double> compared = new ArrayList<>();
		Matcher matcher = GREATER_THAN.matcher(expr);
		while (matcher.find()) {
			compared.add(Double.parseDouble(matcher.group(1)));
		}
		assertThat(compared).as("thresholds of %s", expr).contains(threshold);
		for (Duration window : windows) {
			assertThat(expr).as("window").contains("[" + promql(window) + "]");
		}
	}

	private static String promql(Duration duration) {
		if (duration.toDays() > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
			return duration.toDays() + "d";
		}
		if (duration.toHours() > 0 && duration.equals(Duration.ofHours(duration.toHours()))) {
			return duration.toHours() + "h";
		}
		return duration.toMinutes() + "m";
	}

	private static String normalized(String expr) {
		return expr.replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")");
	}

}
