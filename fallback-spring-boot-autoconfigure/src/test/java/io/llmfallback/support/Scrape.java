package io.llmfallback.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The samples of one scrape in the Prometheus text format or OpenMetrics: sample names,
 * their labels with every value seen, and the samples' values.
 */
public final class Scrape {

	/** One sample line. */
	public record Sample(String name, Map<String, String> labels, double value) {

	}

	private final List<Sample> samples;

	private final Map<String, Map<String, Set<String>>> labelsByMetric = new TreeMap<>();

	private Scrape(List<Sample> samples) {
		this.samples = samples;
		for (Sample sample : samples) {
			Map<String, Set<String>> labels = this.labelsByMetric.computeIfAbsent(sample.name(),
					(key) -> new TreeMap<>());
			sample.labels()
				.forEach((label, value) -> labels.computeIfAbsent(label, (key) -> new TreeSet<>()).add(value));
		}
	}

	public static Scrape parse(String exposition) {
		List<Sample> samples = new ArrayList<>();
		for (String line : exposition.split("\n")) {
			String text = line.strip();
			if (text.isEmpty() || text.startsWith("#")) {
				continue;
			}
			int end = 0;
			while (end < text.length() && text.charAt(end) != '{' && !Character.isWhitespace(text.charAt(end))) {
				end++;
			}
			String name = text.substring(0, end);
			Map<String, String> labels = new LinkedHashMap<>();
			int rest = end;
			if (end < text.length() && text.charAt(end) == '{') {
				rest = readLabels(text, end + 1, labels);
			}
			String[] valueAndTimestamp = text.substring(rest).strip().split("\\s+");
			samples.add(new Sample(name, labels, parseValue(valueAndTimestamp[0])));
		}
		return new Scrape(List.copyOf(samples));
	}

	private static double parseValue(String value) {
		return switch (value) {
			case "+Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			case "NaN" -> Double.NaN;
			default -> Double.parseDouble(value);
		};
	}

	/** Reads {@code a="x",b="y"}, returns the index past the closing brace. */
	private static int readLabels(String text, int start, Map<String, String> labels) {
		int i = start;
		while (text.charAt(i) != '}') {
			int equals = text.indexOf('=', i);
			String label = text.substring(i, equals).strip();
			i = equals + 2; // past ="
			StringBuilder value = new StringBuilder();
			while (text.charAt(i) != '"') {
				char c = text.charAt(i);
				if (c == '\\') {
					i++;
					char escaped = text.charAt(i);
					value.append((escaped == 'n') ? '\n' : escaped);
				}
				else {
					value.append(c);
				}
				i++;
			}
			i++; // past the closing quote
			if (text.charAt(i) == ',') {
				i++;
			}
			labels.put(label, value.toString());
		}
		return i + 1;
	}

	public Set<String> metricNames() {
		return this.labelsByMetric.keySet();
	}

	public boolean has(String metric) {
		return this.labelsByMetric.containsKey(metric);
	}

	/** Label names of the metric, with every value seen; empty for an unknown metric. */
	public Map<String, Set<String>> labels(String metric) {
		return this.labelsByMetric.getOrDefault(metric, Map.of());
	}

	/** The metric's samples, in the order of the exposition. */
	public List<Sample> samples(String metric) {
		return this.samples.stream().filter((sample) -> sample.name().equals(metric)).toList();
	}

	/** The sum of the metric's samples whose labels match. */
	public double sum(String metric, Predicate<Map<String, String>> labels) {
		return this.samples.stream()
			.filter((sample) -> sample.name().equals(metric) && labels.test(sample.labels()))
			.mapToDouble(Sample::value)
			.sum();
	}

	public static Predicate<Map<String, String>> label(String name, String value) {
		return (labels) -> value.equals(labels.get(name));
	}

	/** Labels that include every one given. */
	public static Predicate<Map<String, String>> labels(Map<String, String> expected) {
		return (labels) -> expected.entrySet()
			.stream()
			.allMatch((label) -> label.getValue().equals(labels.get(label.getKey())));
	}

	public static Predicate<Map<String, String>> any() {
		return (labels) -> true;
	}

}
