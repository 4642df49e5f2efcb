package io.llmfallback.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure of {@code docs/grafana/llm-fallback-dashboard.json}: what Grafana's
 * import needs.
 */
class GrafanaDashboardTest {

	private static final String DATASOURCE = "${DS_PROMETHEUS}";

	@Test
	void isAnImportableDashboardWithAPrometheusInput() {
		JsonNode dashboard = OperationsArtifacts.dashboard();
		assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
		assertThat(dashboard.path("uid").asString()).isEqualTo("llm-fallback");
		assertThat(dashboard.path("title").asString()).isNotBlank();
		assertThat(dashboard.path("id").isNull()).as("id is null so that import creates a dashboard").isTrue();
		JsonNode input = dashboard.path("__inputs").path(0);
		assertThat(input.path("name").asString()).isEqualTo("DS_PROMETHEUS");
		assertThat(input.path("type").asString()).isEqualTo("datasource");
		assertThat(input.path("pluginId").asString()).isEqualTo("prometheus");
	}

	@Test
	void chainVariableListsTheChainsOfTheRequestsMeter() {
		List<OperationsArtifacts.LabelValues> variables = OperationsArtifacts.templateQueries();
		assertThat(variables).extracting(OperationsArtifacts.LabelValues::variable).contains("chain");
		OperationsArtifacts.LabelValues chain = variables.stream()
			.filter((variable) -> variable.variable().equals("chain"))
			.findFirst()
			.orElseThrow();
		assertThat(PromQl.metricNames(chain.selector())).containsExactly("llm_fallback_requests_total");
		assertThat(chain.label()).isEqualTo("chain");
		for (JsonNode variable : OperationsArtifacts.dashboard().path("templating").path("list")) {
			assertThat(variable.path("datasource").path("uid").asString()).isEqualTo(DATASOURCE);
		}
	}

	@Test
	void everyPanelHasAPlaceAPrometheusDatasourceAndQueries() {
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : OperationsArtifacts.panels()) {
			String title = panel.path("title").asString();
			assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", title).isTrue();
			JsonNode grid = panel.path("gridPos");
			assertThat(grid.path("w").asInt()).as(title).isBetween(1, 24);
			assertThat(grid.path("h").asInt()).as(title).isPositive();
			assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(title).isLessThanOrEqualTo(24);
			if (panel.path("type").asString().equals("row")) {
				continue;
			}
			assertThat(panel.path("datasource").path("uid").asString()).as(title).isEqualTo(DATASOURCE);
			assertThat(panel.path("description").asString()).as(title).isNotBlank();
			assertThat(panel.path("targets").size()).as(title).isPositive();
			Set<String> refIds = new HashSet<>();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("expr").asString()).as(title).isNotBlank();
				assertThat(refIds.add(target.path("refId").asString())).as("unique refId in %s", title).isTrue();
				assertThat(target.path("datasource").path("uid").asString()).as(title).isEqualTo(DATASOURCE);
			}
		}
	}

	@Test
	void hasAPanelPerSignalPlusRequestsAndAttemptsByOutcome() {
		Set<String> metrics = new LinkedHashSet<>();
		OperationsArtifacts.dashboardQueries().forEach((query) -> metrics.addAll(PromQl.metricNames(query.expr())));
		assertThat(metrics).contains("llm_fallback_requests_total", "llm_fallback_request_duration_seconds_bucket",
				"llm_fallback_output_length_sum", "llm_fallback_output_length_count", "llm_fallback_cost_total",
				"resilience4j_circuitbreaker_state", "llm_fallback_middleware_evaluations_total",
				"llm_fallback_attempts_total");
		JsonNode activation = panel("Fallback activation rate (15m)");
		assertThat(activation.path("fieldConfig")
			.path("defaults")
			.path("custom")
			.path("thresholdsStyle")
			.path("mode")
			.asString()).startsWith("line");
		List<Double> steps = new ArrayList<>();
		for (JsonNode step : activation.path("fieldConfig").path("defaults").path("thresholds").path("steps")) {
			if (step.path("value").isNumber()) {
				steps.add(step.path("value").asDouble());
			}
		}
		assertThat(steps).as("threshold line at the 5%% activation rate").containsExactly(0.05);
	}

	private static JsonNode panel(String title) {
		return OperationsArtifacts.panels()
			.stream()
			.filter((panel) -> panel.path("title").asString().equals(title))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No panel '" + title + "'"));
	}

}
