package io.llmfallback.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations artefacts under {@code docs/}: the Prometheus rules file, the Grafana
 * dashboard and the operations guide, read from the checkout this module is part of.
 */
final class OperationsArtifacts {

	static final String RULES = "docs/prometheus/llm-fallback-rules.yml";

	static final String DASHBOARD = "docs/grafana/llm-fallback-dashboard.json";

	static final String OPERATIONS = "docs/operations.md";

	private static final Pattern LABEL_VALUES = Pattern
		.compile("^\\s*label_values\\((.+),\\s*([a-zA-Z_]\\w*)\\s*\\)\\s*$", Pattern.DOTALL);

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

	private OperationsArtifacts() {
	}

	/** One rule of the rules file. */
	record Rule(String group, Map<String, Object> definition) {

		String name() {
			Object alert = this.definition.get("alert");
			return String.valueOf((alert != null) ? alert : this.definition.get("record"));
		}

		String expr() {
			return String.valueOf(this.definition.get("expr"));
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> labels() {
			return (Map<String, Object>) this.definition.getOrDefault("labels", Map.of());
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> annotations() {
			return (Map<String, Object>) this.definition.getOrDefault("annotations", Map.of());
		}

	}

	/** One PromQL query of the dashboard. */
	record Query(String where, String expr) {

	}

	/** A {@code label_values(selector, label)} template variable. */
	record LabelValues(String variable, String selector, String label) {

	}

	static Path root() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			if (Files.isRegularFile(dir.resolve(RULES))) {
				return dir;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("No " + RULES + " above " + Path.of("").toAbsolutePath());
	}

	static Path file(String relative) {
		return root().resolve(relative);
	}

	static String read(String relative) {
		try {
			return Files.readString(file(relative));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The rules file as SnakeYAML reads it. */
	static Map<String, Object> rulesDocument() {
		return new Yaml().load(read(RULES));
	}

	@SuppressWarnings("unchecked")
	static List<Rule> rules() {
		List<Rule> rules = new ArrayList<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) rulesDocument().get("groups")) {
			for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
				rules.add(new Rule(String.valueOf(group.get("name")), rule));
			}
		}
		return rules;
	}

	static JsonNode dashboard() {
		return JsonMapper.builder().build().readTree(read(DASHBOARD));
	}

	/** The panels, rows' nested panels included. */
	static List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : dashboard().path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	static List<Query> dashboardQueries() {
		List<Query> queries = new ArrayList<>();
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				queries.add(new Query(
						"panel '" + panel.path("title").asString() + "' target " + target.path("refId").asString(),
						target.path("expr").asString()));
			}
		}
		return queries;
	}

	/** The {@code ```promql} blocks of the operations guide. */
	static List<Query> guideQueries() {
		List<Query> queries = new ArrayList<>();
		StringBuilder block = null;
		int line = 0;
		int start = 0;
		for (String text : read(OPERATIONS).split("\n")) {
			line++;
			if (block == null && text.strip().equals("```promql")) {
				block = new StringBuilder();
				start = line;
			}
			else if (block != null && text.strip().equals("```")) {
				queries.add(new Query(OPERATIONS + " line " + start, block.toString()));
				block = null;
			}
			else if (block != null) {
				block.append(text).append('\n');
			}
		}
		return queries;
	}

	static List<LabelValues> templateQueries() {
		List<LabelValues> queries = new ArrayList<>();
		for (JsonNode variable : dashboard().path("templating").path("list")) {
			if (!"query".equals(variable.path("type").asString())) {
				continue;
			}
			JsonNode query = variable.path("query");
			String text = query.isObject() ? query.path("query").asString() : query.asString();
			Matcher matcher = LABEL_VALUES.matcher(text);
			if (!matcher.matches()) {
				throw new IllegalStateException("Variable " + variable.path("name").asString()
						+ ": not label_values(selector, label): " + text);
			}
			queries.add(new LabelValues(variable.path("name").asString(), matcher.group(1), matcher.group(2)));
		}
		return queries;
	}

	/**
	 * The link targets of the operations guide: explicit {@code <a id="...">} anchors and
	 * the anchors GitHub derives from headings.
	 */
	static Set<String> operationsAnchors() {
		Set<String> anchors = new LinkedHashSet<>();
		String text = read(OPERATIONS);
		Matcher html = HTML_ANCHOR.matcher(text);
		while (html.find()) {
			anchors.add(html.group(1));
		}
		boolean fenced = false;
		for (String line : text.split("\n")) {
			if (line.startsWith("```")) {
				fenced = !fenced;
			}
			if (!fenced && line.startsWith("#")) {
				String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
				anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
			}
		}
		return anchors;
	}

}
