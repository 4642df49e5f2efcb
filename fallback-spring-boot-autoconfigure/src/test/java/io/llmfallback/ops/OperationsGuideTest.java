package io.llmfallback.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.llmfallback.autoconfigure.LlmFallbackProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/operations.md}: its links resolve and its properties table says what the
 * code defaults to.
 */
class OperationsGuideTest {

	private static final Pattern LOCAL_LINK = Pattern.compile("\\]\\(#([^)]+)\\)");

	private static final Pattern PROPERTY_ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| `([^`]+)` \\|",
			Pattern.MULTILINE);

	@Test
	void everyLinkInsideTheGuideHasItsAnchor() {
		Set<String> anchors = OperationsArtifacts.operationsAnchors();
		Matcher link = LOCAL_LINK.matcher(OperationsArtifacts.read(OperationsArtifacts.OPERATIONS));
		int links = 0;
		while (link.find()) {
			links++;
			assertThat(anchors).as("anchor of link #%s", link.group(1)).contains(link.group(1));
		}
		assertThat(links).isGreaterThan(10);
	}

	@Test
	void alertPropertiesTableHasEveryPropertyWithItsDefault() {
		String guide = OperationsArtifacts.read(OperationsArtifacts.OPERATIONS);
		String section = guide.substring(guide.indexOf("## Alert properties"));
		Map<String, String> documented = new LinkedHashMap<>();
		Matcher row = PROPERTY_ROW.matcher(section);
		while (row.find()) {
			documented.put(row.group(1), row.group(2));
		}
		LlmFallbackProperties.Alerts defaults = new LlmFallbackProperties.Alerts();
		Map<String, Object> expected = new LinkedHashMap<>();
		windowed(expected, "activation-rate", defaults.getActivationRate());
		baseline(expected, "fallback-p95-ratio", defaults.getFallbackP95Ratio());
		windowed(expected, "output-length-delta", defaults.getOutputLengthDelta());
		baseline(expected, "blended-cost-ratio", defaults.getBlendedCostRatio());
		windowed(expected, "middleware-overhead", defaults.getMiddlewareOverhead());
		expected.put("min-requests", (double) defaults.getMinRequests());
		expected.put("evaluation-interval", defaults.getEvaluationInterval());

		assertThat(documented).containsOnlyKeys(expected.keySet());
		expected.forEach((property, value) -> {
			String text = documented.get(property);
			Object parsed = (value instanceof Duration) ? DurationStyle.detectAndParse(text) : Double.parseDouble(text);
			assertThat(parsed).as(property).isEqualTo(value);
		});
	}

	private static void windowed(Map<String, Object> expected, String name,
			LlmFallbackProperties.WindowedThreshold threshold) {
		expected.put(name + ".threshold", threshold.getThreshold());
		expected.put(name + ".window", threshold.getWindow());
	}

	private static void baseline(Map<String, Object> expected, String name,
			LlmFallbackProperties.BaselineThreshold threshold) {
		expected.put(name + ".threshold", threshold.getThreshold());
		expected.put(name + ".window", threshold.getWindow());
		expected.put(name + ".baseline", threshold.getBaseline());
	}

}
