package io.llmfallback.gate.autoconfigure;

import java.util.List;

import io.llmfallback.gate.GateReport;

/**
 * Start-up stopped because a chain's fallbacks failed the compatibility gate
 * ({@code llm.fallback.gate.on-startup=block}).
 */
public final class StartupGateFailedException extends RuntimeException {

	private final List<GateReport> reports;

	StartupGateFailedException(List<GateReport> reports) {
		super("The compatibility gate failed for chain(s) "
				+ String.join(", ", reports.stream().map(GateReport::chain).map(String::valueOf).toList()));
		this.reports = List.copyOf(reports);
	}

	/** The report of each chain that failed. */
	public List<GateReport> getReports() {
		return this.reports;
	}

}
