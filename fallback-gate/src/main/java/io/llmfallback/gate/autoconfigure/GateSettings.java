package io.llmfallback.gate.autoconfigure;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException;
import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.autoconfigure.internal.WrittenValues;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.gate.GateTolerances;
import io.llmfallback.gate.autoconfigure.LlmFallbackGateProperties.OnStartup;
import io.llmfallback.gate.autoconfigure.LlmFallbackGateProperties.Tolerances;
import io.llmfallback.review.internal.ReviewSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The {@code llm.fallback.gate.*}, {@code llm.fallback.review.*} and
 * {@code llm.fallback.chains.<name>.gate-corpus} properties, checked against the
 * configured chains: each chain's corpus, tolerances, the review, the start-up run, and
 * the command-line run with the corpus it replays. A wrong tolerance, review setting,
 * missing corpus or start-up mode fails start-up; a command-line run that cannot run
 * (unknown chain, missing corpus) is left for the run to report, so that it exits as
 * "could not run" rather than as any application that failed to start.
 */
final class GateSettings {

	private static final String PREFIX = "llm.fallback.gate";

	private static final String CHAINS = "llm.fallback.chains";

	private static final String REVIEW = "llm.fallback.review";

	private final List<Problem> problems = new ArrayList<>();

	/** Why the command-line run cannot run; reported by the run, not at start-up. */
	private final List<Problem> commandLineProblems = new ArrayList<>();

	private final Map<String, Callable<InputStream>> corpora = new LinkedHashMap<>();

	private final GateTolerances tolerances;

	private final ReviewSettings review;

	private final OnStartup onStartup;

	private final @Nullable String commandLineChain;

	private final Path reportDirectory;

	private final boolean exitWhenDone;

	private final WrittenValues written;

	private GateSettings(LlmFallbackGateProperties properties, LlmFallbackReviewProperties review,
			LlmFallbackSettings settings, ResourceLoader resourceLoader, Environment environment) {
		this.written = new WrittenValues(environment);
		this.tolerances = tolerances(properties.getTolerances());
		this.review = review(review);
		chainCorpora(environment, resourceLoader);
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
	static GateSettings of(LlmFallbackGateProperties properties, LlmFallbackReviewProperties review,
			LlmFallbackSettings settings, ResourceLoader resourceLoader, Environment environment) {
		GateSettings gate = new GateSettings(properties, review, settings, resourceLoader, environment);
		if (!gate.problems.isEmpty()) {
			throw new InvalidLlmFallbackConfigurationException(gate.problems);
		}
		return gate;
	}

	/**
	 * Each chain's {@code gate-corpus}, bound beside the chain's runtime properties; the
	 * chains themselves are checked by the runtime's settings.
	 */
	private void chainCorpora(Environment environment, ResourceLoader resourceLoader) {
		Binder.get(environment)
			.bind(CHAINS, Bindable.mapOf(String.class, ChainGateProperties.class))
			.orElse(Map.of())
			.forEach((chain, properties) -> {
				String location = properties.getGateCorpus();
				if (location == null || location.isBlank()) {
					return;
				}
				Resource corpus = resourceLoader.getResource(location);
				if (corpus.exists()) {
					this.corpora.put(chain, corpus::getInputStream);
				}
				else {
					problem(CHAINS + "." + chain + ".gate-corpus", "no resource at '" + location + "'");
				}
			});
	}

	/**
	 * The review settings if valid, else the defaults (so that the rest can still be
	 * checked) and a problem.
	 */
	private ReviewSettings review(LlmFallbackReviewProperties review) {
		boolean valid = true;
		if (review.getWindow().compareTo(Duration.ofMinutes(1)) < 0) {
			invalid(REVIEW + ".window", "must be at least 1m", review.getWindow());
			valid = false;
		}
		if (review.getMinSamples() < 1) {
			invalid(REVIEW + ".min-samples", "must be at least 1", review.getMinSamples());
			valid = false;
		}
		return valid ? new ReviewSettings(review.getWindow(), review.getMinSamples(), this.tolerances)
				: ReviewSettings.DEFAULTS;
	}

	/**
	 * The chain of the command-line run, or {@code null} when there is none or it cannot
	 * be told. Its corpus, when given, replaces the chain's own for this run. What keeps
	 * the run from running is kept apart, for the run to report with its own exit code
	 * rather than fail start-up.
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
				tolerance(prefix + ".cost-per-request", tolerances.getCostPerRequest()),
				tolerance(prefix + ".tool-call-agreement", tolerances.getToolCallAgreement()),
				tolerances.getEnforced());
	}

	/**
	 * The tolerance if valid, else 0 (so that the rest can still be checked) and a
	 * problem.
	 */
	private double tolerance(String property, double value) {
		if (!Double.isFinite(value) || value < 0) {
			invalid(property, "must be a finite number of at least 0", value);
			return 0;
		}
		return value;
	}

	private void problem(String property, String reason) {
		this.problems.add(new Problem(property, reason));
	}

	/** A problem that echoes the value as the user wrote it. */
	private void invalid(String property, String rule, Object value) {
		problem(property, rule + ", was " + this.written.of(property, value));
	}

	GateTolerances tolerances() {
		return this.tolerances;
	}

	/** How live traffic is reviewed, judged with the gate's tolerances. */
	ReviewSettings review() {
		return this.review;
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
