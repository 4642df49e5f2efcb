package io.llmfallback.gate.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.autoconfigure.LlmFallbackGateProperties.OnStartup;
import io.llmfallback.gate.internal.ChainGates;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Runs the compatibility gate of every chain that has a corpus when the application
 * starts, as {@code llm.fallback.gate.on-startup} says. Runners run before the
 * application reports ready, so under {@link OnStartup#BLOCK} an instance whose fallbacks
 * fail the gate never reports ready (its port may already be open: readiness, not the
 * listener, is what keeps traffic away).
 */
final class StartupGate implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(StartupGate.class);

	private final ChainGates gates;

	private final OnStartup mode;

	StartupGate(ChainGates gates, OnStartup mode) {
		this.gates = gates;
		this.mode = mode;
	}

	@Override
	public void run(ApplicationArguments args) {
		List<String> chains = this.gates.chainsWithCorpus().stream().sorted().toList();
		if (this.mode == OnStartup.RUN) {
			// In the background: the outcome shows in the endpoint and health once it is
			// known.
			chains.forEach((chain) -> this.gates.run(chain)
				.subscribe(StartupGate::log,
						(ex) -> logger.warn("The compatibility gate of chain '" + chain + "' could not run", ex)));
			return;
		}
		List<GateReport> failed = new ArrayList<>();
		for (String chain : chains) {
			// Each call of the replay is bounded by its provider's timeout, so this ends.
			GateReport report = this.gates.run(chain).block();
			if (report != null) {
				log(report);
				if (!report.passed()) {
					failed.add(report);
				}
			}
		}
		if (!failed.isEmpty()) {
			throw new StartupGateFailedException(failed);
		}
	}

	private static void log(GateReport report) {
		String outcome = "Compatibility gate of chain '" + report.chain() + "' on " + report.corpusSize()
				+ " requests: " + report.verdict().wireName().toUpperCase(Locale.ROOT);
		if (report.passed()) {
			logger.info(outcome);
		}
		else {
			logger.warn(outcome + "\n" + String.join("\n", report.findings()));
		}
	}

}
