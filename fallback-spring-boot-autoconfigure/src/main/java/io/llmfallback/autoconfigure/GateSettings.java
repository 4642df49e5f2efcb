package io.llmfallback.autoconfigure;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.autoconfigure.LlmFallbackGateProperties.OnStartup;
import io.llmfallback.autoconfigure.LlmFallbackGateProperties.Tolerances;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.gate.GateTolerances;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The {@code llm.fallback.gate.*} properties, checked against the configured chains: tolerances, the
 * start-up run, and the command-line run with the corpus it replays. A wrong tolerance or start-up mode
 * fails start-up; a command-line run that cannot run (unknown chain, missing corpus) is left for the run to
 * report, so that it exits as "could not run" rather than as any application that failed to start.
 */
final class GateSettings {

	private static final String PREFIX = "llm.fallback.gate";

	private final List<Problem> problems = new ArrayList<>();

	/** Why the command-line run cannot run; reported by the run, not at start-up. */
	private final List<Problem> commandLineProblems = new ArrayList<>();

	private final Map<String, Callable<InputStream>> corpora = new LinkedHashMap<>();

	private final GateTolerances tolerances;

	private final OnStartup onStartup;

	private final @Nullable String commandLineChain;

	private final Path reportDirectory;

	private final boolean exitWhenDone;

	private final WrittenValues written;

	private GateSettings(LlmFallbackGateProperties properties, LlmFallbackSettings settings,
			ResourceLoader resourceLoader) {
		this.written = settings.written();
		this.tolerances = tolerances(properties.getTolerances());
		settings.gateCorpora().forEach((chain, corpus) -> this.corpora.put(chain, corpus::getInputStream));
		this.commandLineChain = commandLineChain(properties, settings, resourceLoader);
		this.onStartup = properties.getOnStartup();
		if (this.onStartup != OnStartup.OFF && this.corpora.isEmpty()) {
			problem(PREFIX + ".on-startup", "is " + this.onStartup.name().toLowerCase() + ", but no chain has a "
					+ "llm.fallback.chains.<name>.gate-corpus to run the gate on");
		}
		this.reportDirectory = Path.of(properties.getReportDir());
		this.exitWhenDone = properties.isExitWhenDone();
	}

	/**
	 * Checks the properties.
	 * @throws InvalidLlmFallbackConfigurationException naming every wrong property
	 */
	static GateSettings of(LlmFallbackGateProperties properties, LlmFallbackSettings settings,
			ResourceLoader resourceLoader) {
		GateSettings gate = new GateSettings(properties, settings, resourceLoader);
		if (!gate.problems.isEmpty()) {
			throw new InvalidLlmFallbackConfigurationException(gate.problems);
		}
		return gate;
	}

	/**
	 * The chain of the command-line run, or {@code null} when there is none or it cannot be told. Its
	 * corpus, when given, replaces the chain's own for this run. What keeps the run from running is kept
	 * apart, for the run to report with its own exit code rather than fail start-up.
	 */
	private @Nullable String commandLineChain(LlmFallbackGateProperties properties, LlmFallbackSettings settings,
			ResourceLoader resourceLoader) {
		String chain = properties.getChain();
		String corpus = properties.getCorpus();
		List<String> chains = settings.chains().stream().map(ChainSettings::name).toList();
		if (chain == null && corpus != null) {
			if (chains.size() != 1) {
				return cannotRun(null, PREFIX + ".chain", "is required with " + PREFIX + ".corpus when there is not "
						+ "exactly one chain; configured chains: " + chains);
			}
			chain = chains.get(0);
		}
		if (chain == null) {
			return null;
		}
		if (!chains.contains(chain)) {
			return cannotRun(chain, PREFIX + ".chain", "no chain named '" + chain + "'; configured chains: " + chains);
		}
		if (corpus != null) {
			Resource resource = resourceLoader.getResource(corpus);
			if (!resource.exists()) {
				return cannotRun(chain, PREFIX + ".corpus", "no resource at '" + corpus + "'");
			}
			this.corpora.put(chain, resource::getInputStream);
		}
		else if (!this.corpora.containsKey(chain)) {
			return cannotRun(chain, PREFIX + ".corpus",
					"is required: chain '" + chain + "' has no llm.fallback.chains." + chain + ".gate-corpus");
		}
		return chain;
	}

	private @Nullable String cannotRun(@Nullable String chain, String property, String reason) {
		this.commandLineProblems.add(new Problem(property, reason));
		return chain;
	}

	private GateTolerances tolerances(Tolerances tolerances) {
		String prefix = PREFIX + ".tolerances";
		return new GateTolerances(tolerance(prefix + ".mean-length", tolerances.getMeanLength()),
				tolerance(prefix + ".p95-length", tolerances.getP95Length()),
				tolerance(prefix + ".schema-compliance", tolerances.getSchemaCompliance()),
				tolerance(prefix + ".field-coverage", tolerances.getFieldCoverage()),
				tolerance(prefix + ".failure-rate", tolerances.getFailureRate()),
				tolerance(prefix + ".p95-latency", tolerances.getP95Latency()),
				tolerance(prefix + ".cost-per-request", tolerances.getCostPerRequest()), tolerances.getEnforced());
	}

	/** The tolerance if valid, else 0 (so that the rest can still be checked) and a problem. */
	private double tolerance(String property, double value) {
		if (!Double.isFinite(value) || value < 0) {
			problem(property, "must be a finite number of at least 0, was " + this.written.of(property, value));
			return 0;
		}
		return value;
	}

	private void problem(String property, String reason) {
		this.problems.add(new Problem(property, reason));
	}

	GateTolerances tolerances() {
		return this.tolerances;
	}

	/** How to open each chain's corpus, by chain name. */
	Map<String, Callable<InputStream>> corpora() {
		return this.corpora;
	}

	OnStartup onStartup() {
		return this.onStartup;
	}

	@Nullable String commandLineChain() {
		return this.commandLineChain;
	}

	List<Problem> commandLineProblems() {
		return this.commandLineProblems;
	}

	Path reportDirectory() {
		return this.reportDirectory;
	}

	boolean exitWhenDone() {
		return this.exitWhenDone;
	}

}
