package io.llmfallback.gate.autoconfigure;

import io.llmfallback.gate.GateReport;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed start-up gate into a report of what diverged, chain by chain. */
class StartupGateFailureAnalyzer extends AbstractFailureAnalyzer<StartupGateFailedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StartupGateFailedException cause) {
		StringBuilder description = new StringBuilder(
				"A chain's fallbacks are not semantically safe " + "(llm.fallback.gate.on-startup=block):\n");
		for (GateReport report : cause.getReports()) {
			description.append("\n").append(report.verdictMarkdown());
		}
		return new FailureAnalysis(description.toString(),
				"Adapt the diverging fallback (llm.fallback.providers.<name>.adaptation.*), replace it, or relax "
						+ "llm.fallback.gate.tolerances.*; llm.fallback.gate.on-startup=run reports without blocking.",
				cause);
	}

}
