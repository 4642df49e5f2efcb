package io.llmfallback.benchmarks.outage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.benchmarks.outage.VariantRun.Ended;

/**
 * Latency over time, one panel per variant, as SVG text: x is when requests arrived (s),
 * y their latency on a log scale; per second of arrivals, the p50, p95 and slowest
 * request; phase boundaries and the "slow" threshold marked.
 */
final class LatencyPlot {

	private static final int WIDTH = 960;

	private static final int LEFT = 64;

	private static final int RIGHT = 16;

	private static final int TOP = 40;

	private static final int PANEL = 150;

	private static final int GAP = 34;

	private static final double Y_MIN_MS = 10;

	private static final double Y_MAX_MS = 100_000;

	private static final String[] SERIES_COLOURS = { "#1f77b4", "#ff7f0e", "#d62728" };

	private static final String[] SERIES_NAMES = { "p50", "p95", "max" };

	private final PhaseSchedule schedule;

	private final double slowThresholdMs;

	private final List<String> variants = new ArrayList<>();

	/**
	 * Per variant, per second of arrivals, p50, p95 and max in ms; NaN where nothing
	 * ended.
	 */
	private final List<double[][]> series = new ArrayList<>();

	LatencyPlot(PhaseSchedule schedule, List<VariantRun> runs, double slowThresholdMs) {
		this.schedule = schedule;
		this.slowThresholdMs = slowThresholdMs;
		int seconds = (int) Math.ceil(schedule.total().toNanos() / 1e9);
		for (VariantRun run : runs) {
			Samples[] bins = new Samples[seconds];
			for (int s = 0; s < seconds; s++) {
				bins[s] = new Samples();
			}
			for (int i = 0; i < run.requests(); i++) {
				Ended ended = run.ended(i);
				if (ended != null) {
					bins[(int) Math.min(seconds - 1, ended.arrivalNanos() / 1_000_000_000L)].add(ended.latencyNanos());
				}
			}
			double[][] lines = new double[3][seconds];
			for (int s = 0; s < seconds; s++) {
				long[] sorted = bins[s].sorted();
				lines[0][s] = (sorted.length > 0) ? Samples.percentile(sorted, 50) / 1e6 : Double.NaN;
				lines[1][s] = (sorted.length > 0) ? Samples.percentile(sorted, 95) / 1e6 : Double.NaN;
				lines[2][s] = (sorted.length > 0) ? sorted[sorted.length - 1] / 1e6 : Double.NaN;
			}
			this.variants.add(run.settings().key() + ": " + run.settings().description());
			this.series.add(lines);
		}
	}

	String svg() {
		int height = TOP + this.variants.size() * (PANEL + GAP) + 10;
		double totalSeconds = this.schedule.total().toNanos() / 1e9;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
						+ "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
				WIDTH, height, WIDTH, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">"
				+ "Latency by arrival time, per second: p50, p95, max (log scale)</text>%n", LEFT));
		for (int k = 0; k < SERIES_NAMES.length; k++) {
			int x = LEFT + k * 70;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"28\" stroke=\"%s\" "
							+ "stroke-width=\"2\"/><text x=\"%d\" y=\"32\">%s</text>%n",
					x, x + 18, SERIES_COLOURS[k], x + 22, SERIES_NAMES[k]));
		}
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"28\" stroke=\"#555\" "
				+ "stroke-dasharray=\"2,2\"/><text x=\"%d\" y=\"32\">slow: 2 x primary's healthy p99 (%.0f ms)</text>%n",
				LEFT + 210, LEFT + 228, LEFT + 232, this.slowThresholdMs));
		for (int v = 0; v < this.variants.size(); v++) {
			panel(svg, TOP + v * (PANEL + GAP) + 14, this.variants.get(v), this.series.get(v), totalSeconds);
		}
		return svg.append("</svg>\n").toString();
	}

	private void panel(StringBuilder svg, int top, String title, double[][] lines, double totalSeconds) {
		int plotWidth = WIDTH - LEFT - RIGHT;
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT, top - 4,
				title));
		svg.append(String.format(Locale.ROOT,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " + "stroke=\"#999\"/>%n", LEFT, top,
				plotWidth, PANEL));
		for (double tick = Y_MIN_MS; tick <= Y_MAX_MS; tick *= 10) {
			double y = y(tick, top);
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
							+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
					LEFT, y, LEFT + plotWidth, y, LEFT - 4, y + 4,
					(tick < 1000) ? (int) tick + " ms" : (int) (tick / 1000) + " s"));
		}
		double step = tickStep(totalSeconds);
		for (double second = 0; second <= totalSeconds + 1e-9; second += step) {
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
					x(second, totalSeconds), top + PANEL + 13, second));
		}
		for (int p = 0; p < this.schedule.phases().size(); p++) {
			double x = x(this.schedule.startNanos(p) / 1e9, totalSeconds);
			if (p > 0) {
				svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
						+ "stroke=\"#555\" stroke-dasharray=\"5,3\"/>%n", x, top, x, top + PANEL));
			}
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\">%s</text>%n", x + 3,
					top + 12, this.schedule.phases().get(p).name()));
		}
		double threshold = y(this.slowThresholdMs, top);
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" " + "stroke-dasharray=\"2,2\"/>%n",
				LEFT, threshold, LEFT + plotWidth, threshold));
		for (int k = lines.length - 1; k >= 0; k--) {
			StringBuilder points = new StringBuilder();
			for (int s = 0; s < lines[k].length; s++) {
				if (!Double.isNaN(lines[k][s])) {
					points.append(
							String.format(Locale.ROOT, "%.1f,%.1f ", x(s + 0.5, totalSeconds), y(lines[k][s], top)));
				}
			}
			svg.append(String.format(Locale.ROOT,
					"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" " + "points=\"%s\"/>%n",
					SERIES_COLOURS[k], (k == 2) ? "1" : "1.6", points.toString().trim()));
		}
	}

	private static double x(double second, double totalSeconds) {
		return LEFT + second / totalSeconds * (WIDTH - LEFT - RIGHT);
	}

	private static double y(double ms, int top) {
		double clamped = Math.max(Y_MIN_MS, Math.min(Y_MAX_MS, ms));
		double share = Math.log10(clamped / Y_MIN_MS) / Math.log10(Y_MAX_MS / Y_MIN_MS);
		return top + PANEL - share * PANEL;
	}

	/** A round step that gives at most 12 ticks over the run. */
	private static double tickStep(double totalSeconds) {
		for (double step : new double[] { 1, 2, 5, 10, 15, 30, 60, 120, 300 }) {
			if (totalSeconds / step <= 12) {
				return step;
			}
		}
		return 600;
	}

}
