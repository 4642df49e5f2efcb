package io.llmfallback.gate.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.llmfallback.gate.DimensionVerdict;
import io.llmfallback.gate.FallbackVerdict;
import io.llmfallback.gate.GateDimension;
import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.GateTolerances;
import io.llmfallback.gate.LineResult;
import io.llmfallback.gate.ProviderStats;
import io.llmfallback.gate.Verdict;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link GateReport} for people: one document model, written as Markdown or
 * HTML. Also owns how values, divergences and tolerances are written, so that sentences
 * in the report and in the verdicts read the same.
 */
public final class GateReportRenderer {

	/**
	 * How many failed or violating lines are listed per provider before the rest are
	 * counted.
	 */
	static final int MAX_PROBLEM_LINES = 20;

	private GateReportRenderer() {
	}

	public static String markdown(GateReport report, boolean verdictOnly) {
		List<Block> blocks = verdictOnly ? verdictBlocks(report) : document(report);
		StringBuilder out = new StringBuilder();
		for (Block block : blocks) {
			if (!out.isEmpty()) {
				out.append('\n');
			}
			if (block instanceof Heading heading) {
				out.append("#".repeat(heading.level())).append(' ').append(heading.text()).append('\n');
			}
			else if (block instanceof Paragraph paragraph) {
				out.append(paragraph.text()).append('\n');
			}
			else if (block instanceof Bullets bullets) {
				bullets.items().forEach((item) -> out.append("- ").append(item).append('\n'));
			}
			else if (block instanceof Table table) {
				out.append(row(table.header())).append('\n');
				out.append(table.header().stream().map((cell) -> "---").collect(Collectors.joining("|", "|", "|")))
					.append('\n');
				table.rows().forEach((cells) -> out.append(row(cells)).append('\n'));
			}
		}
		return out.toString();
	}

	public static String html(GateReport report) {
		StringBuilder out = new StringBuilder();
		out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
			.append(escape(title(report)))
			.append("</title>\n<style>\nbody{font-family:system-ui,sans-serif;margin:2em;max-width:72em}\n")
			.append("table{border-collapse:collapse;margin:1em 0}\n")
			.append("th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}\n")
			.append("td.fail{background:#fdd;font-weight:bold}td.pass{background:#dfd}td.info{background:#fff3cd}\n")
			.append("</style>\n</head>\n<body>\n");
		for (Block block : document(report)) {
			if (block instanceof Heading heading) {
				out.append("<h")
					.append(heading.level())
					.append('>')
					.append(escape(heading.text()))
					.append("</h")
					.append(heading.level())
					.append(">\n");
			}
			else if (block instanceof Paragraph paragraph) {
				out.append("<p>").append(escape(paragraph.text())).append("</p>\n");
			}
			else if (block instanceof Bullets bullets) {
				out.append("<ul>\n");
				bullets.items().forEach((item) -> out.append("<li>").append(escape(item)).append("</li>\n"));
				out.append("</ul>\n");
			}
			else if (block instanceof Table table) {
				out.append("<table>\n<tr>");
				table.header().forEach((cell) -> out.append("<th>").append(escape(cell)).append("</th>"));
				out.append("</tr>\n");
				for (List<String> cells : table.rows()) {
					out.append("<tr>");
					for (String cell : cells) {
						String style = switch (cell) {
							case "FAIL" -> " class=\"fail\"";
							case "PASS" -> " class=\"pass\"";
							case "FAIL (informational)" -> " class=\"info\"";
							default -> "";
						};
						out.append("<td").append(style).append('>').append(escape(cell)).append("</td>");
					}
					out.append("</tr>\n");
				}
				out.append("</table>\n");
			}
		}
		return out.append("</body>\n</html>\n").toString();
	}

	private static List<Block> document(GateReport report) {
		List<Block> blocks = new ArrayList<>();
		blocks.add(new Heading(1, title(report)));
		String tools = (report.toolLines() > 0) ? ", " + report.toolLines() + " with tools" : "";
		blocks.add(new Paragraph("Verdict: " + report.verdict().name() + ". " + report.corpusSize()
				+ " corpus requests (" + report.schemaLines() + " checked against a JSON schema" + tools
				+ ") replayed through " + report.primary().provider() + " (primary) and " + report.fallbacks().size()
				+ ((report.fallbacks().size() == 1) ? " fallback" : " fallbacks") + " in " + report.durationMs()
				+ " ms, " + report.generatedAt() + "."));
		List<Block> verdict = verdictBlocks(report);
		blocks.addAll(verdict);
		blocks.add(new Heading(2, "Providers"));
		blocks.add(providerTable(report));
		blocks.add(new Heading(2, "Tolerances"));
		blocks.add(toleranceTable(report.tolerances()));
		List<String> problems = problems(report);
		if (!problems.isEmpty()) {
			blocks.add(new Heading(2, "Failed calls, schema violations and tool-call disagreements"));
			blocks.add(new Bullets(problems));
		}
		return blocks;
	}

	private static String title(GateReport report) {
		return (report.chain() != null) ? "Compatibility gate: chain " + report.chain() : "Compatibility gate";
	}

	private static List<Block> verdictBlocks(GateReport report) {
		List<Block> blocks = new ArrayList<>();
		blocks.add(new Heading(2, "Verdict: " + report.verdict().name()));
		if (report.findings().isEmpty()) {
			blocks.add(new Paragraph("Every fallback is within tolerance of " + report.primary().provider()
					+ " (primary) on every enforced dimension."));
		}
		else {
			blocks.add(new Paragraph("Beyond tolerance on an enforced dimension:"));
			blocks.add(new Bullets(report.findings()));
		}
		for (FallbackVerdict fallback : report.verdicts()) {
			blocks.add(new Heading(3, fallback.provider() + ": " + fallback.verdict().name()));
			List<List<String>> rows = new ArrayList<>();
			for (DimensionVerdict dimension : fallback.dimensions()) {
				rows.add(List.of(dimension.dimension().label(), value(dimension.dimension(), dimension.primary()),
						value(dimension.dimension(), dimension.fallback()),
						divergence(dimension.dimension(), dimension.divergence()),
						tolerance(dimension.dimension(), dimension.tolerance()), verdictCell(dimension)));
			}
			blocks.add(new Table(List.of("dimension", report.primary().provider() + " (primary)", fallback.provider(),
					"divergence", "tolerance", "verdict"), rows));
		}
		return blocks;
	}

	private static String verdictCell(DimensionVerdict dimension) {
		String verdict = (dimension.verdict() == Verdict.NOT_APPLICABLE) ? "n/a" : dimension.verdict().name();
		return dimension.enforced() ? verdict : verdict + " (informational)";
	}

	private static Table providerTable(GateReport report) {
		List<ProviderStats> providers = report.providers();
		List<String> header = new ArrayList<>();
		header.add("");
		providers.forEach((stats) -> header.add(stats.primary() ? stats.provider() + " (primary)" : stats.provider()));
		List<List<String>> rows = new ArrayList<>();
		rows.add(row("model", providers, ProviderStats::model));
		rows.add(row("calls", providers, (stats) -> String.valueOf(stats.calls())));
		rows.add(row("failures", providers, GateReportRenderer::failures));
		rows.add(row("output length mean (chars)", providers,
				(stats) -> (stats.outputLength() != null) ? number(stats.outputLength().mean()) : "n/a"));
		rows.add(row("output length p50 (chars)", providers,
				(stats) -> (stats.outputLength() != null) ? number(stats.outputLength().p50()) : "n/a"));
		rows.add(row("output length p95 (chars)", providers,
				(stats) -> (stats.outputLength() != null) ? number(stats.outputLength().p95()) : "n/a"));
		rows.add(row("schema compliance", providers,
				(stats) -> share(stats.schemaCompliance(), stats.schemaCompliant(), stats.schemaChecked())));
		rows.add(row("field coverage", providers,
				(stats) -> (stats.fieldCoverage() != null) ? percent(stats.fieldCoverage()) : "n/a"));
		rows.add(row("tool-call agreement", providers,
				(stats) -> share(stats.toolCallAgreement(), stats.toolLinesAgreed(), stats.toolLinesCompared())));
		rows.add(row("tool argument validity", providers,
				(stats) -> share(stats.toolArgumentValidity(), stats.validToolCalls(), stats.toolCalls())));
		rows.add(row("latency p50 (ms)", providers,
				(stats) -> (stats.latencyMs() != null) ? number(stats.latencyMs().p50()) : "n/a"));
		rows.add(row("latency p95 (ms)", providers,
				(stats) -> (stats.latencyMs() != null) ? number(stats.latencyMs().p95()) : "n/a"));
		rows.add(row("input tokens", providers, (stats) -> String.valueOf(stats.inputTokens())));
		rows.add(row("output tokens", providers, (stats) -> String.valueOf(stats.outputTokens())));
		rows.add(row("total cost (USD)", providers, (stats) -> stats.priced() ? usd(stats.totalCost()) : "not priced"));
		rows.add(row("cost per request (USD)", providers,
				(stats) -> stats.priced() ? usd(stats.costPerRequest()) : "not priced"));
		return new Table(header, rows);
	}

	private static List<String> row(String label, List<ProviderStats> providers, Function<ProviderStats, String> cell) {
		List<String> cells = new ArrayList<>();
		cells.add(label);
		providers.forEach((stats) -> cells.add(cell.apply(stats)));
		return cells;
	}

	/** {@code 50% (1/2)}, or {@code n/a} without a rate. */
	private static String share(@Nullable Double rate, int part, int whole) {
		return (rate != null) ? percent(rate) + " (" + part + "/" + whole + ")" : "n/a";
	}

	private static String failures(ProviderStats stats) {
		if (stats.failures() == 0) {
			return "0";
		}
		return stats.failures() + " (" + percent(stats.failureRate()) + ": "
				+ stats.failuresByCategory()
					.entrySet()
					.stream()
					.map((entry) -> entry.getKey() + " " + entry.getValue())
					.collect(Collectors.joining(", "))
				+ ")";
	}

	private static Table toleranceTable(GateTolerances tolerances) {
		List<List<String>> rows = new ArrayList<>();
		for (GateDimension dimension : GateDimension.values()) {
			String counts = switch (dimension.direction()) {
				case EITHER -> "more or less than the primary";
				case LOWER_IS_WORSE -> "less than the primary";
				case HIGHER_IS_WORSE -> "more than the primary";
			};
			rows.add(List.of(dimension.label(), tolerance(dimension, tolerances.tolerance(dimension)), counts,
					tolerances.enforces(dimension) ? "enforced" : "informational"));
		}
		return new Table(List.of("dimension", "tolerance", "diverges when", "verdict"), rows);
	}

	private static List<String> problems(GateReport report) {
		List<String> problems = new ArrayList<>();
		for (ProviderStats stats : report.providers()) {
			int listed = 0;
			int more = 0;
			for (int index = 0; index < stats.lines().size(); index++) {
				LineResult line = stats.lines().get(index);
				String problem = null;
				if (!line.success()) {
					problem = line.failureCategory() + ": " + line.error();
				}
				else if (!line.violations().isEmpty()) {
					problem = String.join("; ", line.violations());
				}
				else if (Boolean.FALSE.equals(line.toolCallAgreement())) {
					problem = answered(line) + " where the primary " + answered(report.primary().lines().get(index));
				}
				if (problem == null) {
					continue;
				}
				if (listed == MAX_PROBLEM_LINES) {
					more++;
					continue;
				}
				listed++;
				problems.add(stats.provider() + ", " + where(line) + ": " + problem);
			}
			if (more > 0) {
				problems.add(stats.provider() + ": " + more + " more (see the JSON report)");
			}
		}
		return problems;
	}

	private static String answered(LineResult line) {
		return line.toolCalls().isEmpty() ? "answered text" : "called " + String.join(", ", line.toolCalls());
	}

	private static String where(LineResult line) {
		return (line.line() > 0) ? "line " + line.line() + " (" + line.id() + ")" : line.id();
	}

	/**
	 * The sentence of one verdict, e.g.
	 * {@code claude: mean output length -38.2% vs primary (tolerance 15%): FAIL}.
	 */
	public static String summary(String fallback, GateDimension dimension, @Nullable Double primary,
			@Nullable Double value, @Nullable Double divergence, double tolerance, boolean enforced, Verdict verdict,
			@Nullable String reason) {
		String suffix = enforced ? "" : " (informational)";
		String head = fallback + ": " + dimension.label();
		if (verdict == Verdict.NOT_APPLICABLE) {
			return head + ": not applicable (" + reason + ")" + suffix;
		}
		if (divergence == null) {
			return head + ": " + reason + " (primary " + value(dimension, primary) + "): " + verdict.name() + suffix;
		}
		return head + " " + divergence(dimension, divergence) + " vs primary (tolerance "
				+ tolerance(dimension, tolerance) + "): " + verdict.name() + suffix;
	}

	static String divergence(GateDimension dimension, @Nullable Double divergence) {
		if (divergence == null) {
			return "n/a";
		}
		return switch (dimension.scale()) {
			case RELATIVE -> String.format(Locale.ROOT, "%+.1f%%", divergence * 100);
			case ABSOLUTE -> String.format(Locale.ROOT, "%+.1f pp", divergence * 100);
		};
	}

	static String tolerance(GateDimension dimension, double tolerance) {
		String amount = number(tolerance * 100);
		return switch (dimension.scale()) {
			case RELATIVE -> amount + "%";
			case ABSOLUTE -> amount + " pp";
		};
	}

	static String value(GateDimension dimension, @Nullable Double value) {
		if (value == null) {
			return "n/a";
		}
		return switch (dimension) {
			case MEAN_LENGTH, P95_LENGTH -> number(value) + " chars";
			case SCHEMA_COMPLIANCE, FIELD_COVERAGE, TOOL_CALL_AGREEMENT, FAILURE_RATE -> percent(value);
			case P95_LATENCY -> number(value) + " ms";
			case COST_PER_REQUEST -> usd(BigDecimal.valueOf(value));
		};
	}

	private static String percent(double rate) {
		return number(rate * 100) + "%";
	}

	private static String usd(BigDecimal amount) {
		return "$" + amount.stripTrailingZeros().toPlainString();
	}

	/** At most one decimal, none when it is a whole number: {@code 15}, {@code 87.5}. */
	static String number(double value) {
		String text = String.format(Locale.ROOT, "%.1f", value);
		return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
	}

	private static String row(List<String> cells) {
		return cells.stream()
			.map((cell) -> cell.replace("|", "\\|").replace("\n", " "))
			.collect(Collectors.joining(" | ", "| ", " |"));
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private sealed interface Block permits Heading, Paragraph, Bullets, Table {

	}

	private record Heading(int level, String text) implements Block {
	}

	private record Paragraph(String text) implements Block {
	}

	private record Bullets(List<String> items) implements Block {
	}

	private record Table(List<String> header, List<List<String>> rows) implements Block {
	}

}
