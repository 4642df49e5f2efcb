package io.llmfallback.ops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.llmfallback.support.Scrape;

/**
 * Checks what a PromQL expression names against a scrape of the application: every metric
 * must be exported, every label matcher must name a label the metric has (and, for a
 * literal value, a value seen), and every grouping label must exist on one of the
 * expression's metrics.
 */
final class MetricReferences {

	/**
	 * Labels Prometheus adds to every series it scrapes: they are not in the exposition.
	 */
	static final Set<String> TARGET_LABELS = Set.of("job", "instance");

	private MetricReferences() {
	}

	/** What is wrong, one line each; empty when every reference is exported. */
	static List<String> problems(String where, String expression, Scrape scrape) {
		List<String> problems = new ArrayList<>();
		PromQl.References references = PromQl.read(expression);
		Set<String> available = new LinkedHashSet<>(TARGET_LABELS);
		available.addAll(references.createdLabels());
		for (PromQl.Selector selector : references.selectors()) {
			String metric = selector.metric();
			if (!scrape.has(metric)) {
				problems.add(where + ": metric '" + metric + "' is not exported");
				continue;
			}
			Map<String, Set<String>> labels = scrape.labels(metric);
			available.addAll(labels.keySet());
			for (PromQl.Matcher matcher : selector.matchers()) {
				matcherProblem(where, metric, matcher, labels, problems);
			}
		}
		for (String label : references.groupingLabels()) {
			if (!available.contains(label)) {
				problems.add(where + ": grouping label '" + label + "' is on none of " + references.metricNames());
			}
		}
		return problems;
	}

	private static void matcherProblem(String where, String metric, PromQl.Matcher matcher,
			Map<String, Set<String>> labels, List<String> problems) {
		String label = matcher.label();
		if (label.equals("__name__") || TARGET_LABELS.contains(label)) {
			return;
		}
		Set<String> values = labels.get(label);
		if (values == null) {
			problems.add(where + ": " + metric + " has no label '" + label + "' (it has " + labels.keySet() + ")");
			return;
		}
		String value = matcher.value();
		if (value.contains("$")) {
			return; // a Grafana variable
		}
		if (matcher.op().equals("=") && !value.isEmpty() && !values.contains(value)) {
			problems.add(where + ": " + metric + "{" + label + "=\"" + value + "\"} matches nothing exported (values: "
					+ values + ")");
		}
		if (matcher.op().equals("=~")) {
			Pattern pattern = Pattern.compile(value);
			if (values.stream().noneMatch((candidate) -> pattern.matcher(candidate).matches())) {
				problems.add(where + ": " + metric + "{" + label + "=~\"" + value
						+ "\"} matches nothing exported (values: " + values + ")");
			}
		}
	}

}
