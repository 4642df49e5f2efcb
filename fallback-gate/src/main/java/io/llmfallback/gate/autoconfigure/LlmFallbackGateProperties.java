package io.llmfallback.gate.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import io.llmfallback.gate.GateDimension;
import io.llmfallback.gate.GateTolerances;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The compatibility gate: how far fallbacks may diverge from the primary, when the gate
 * runs at start-up, and its command-line run.
 */
@ConfigurationProperties("llm.fallback.gate")
public class LlmFallbackGateProperties {

	/** How far each fallback may diverge from the primary before the gate fails it. */
	private Tolerances tolerances = new Tolerances();

	/**
	 * Whether to run the gate of every chain with a gate-corpus at start-up: off, run
	 * (report only) or block (fail start-up).
	 */
	private OnStartup onStartup = OnStartup.OFF;

	/**
	 * Chain to run the gate of from the command line, then exit (0 passed, 1 failed, 2
	 * could not run).
	 */
	private @Nullable String chain;

	/**
	 * Corpus (JSONL) for the command-line run, e.g. file:corpus.jsonl; the chain's
	 * gate-corpus when not set.
	 */
	private @Nullable String corpus;

	/** Directory the command-line run writes <chain>-gate.json, .md and .html into. */
	private String reportDir = "llm-fallback-gate";

	/**
	 * Whether the command-line run ends the application when done; off to keep it
	 * running.
	 */
	private boolean exitWhenDone = true;

	public Tolerances getTolerances() {
		return this.tolerances;
	}

	public void setTolerances(Tolerances tolerances) {
		this.tolerances = tolerances;
	}

	public OnStartup getOnStartup() {
		return this.onStartup;
	}

	public void setOnStartup(OnStartup onStartup) {
		this.onStartup = onStartup;
	}

	public @Nullable String getChain() {
		return this.chain;
	}

	public void setChain(@Nullable String chain) {
		this.chain = chain;
	}

	public @Nullable String getCorpus() {
		return this.corpus;
	}

	public void setCorpus(@Nullable String corpus) {
		this.corpus = corpus;
	}

	public String getReportDir() {
		return this.reportDir;
	}

	public void setReportDir(String reportDir) {
		this.reportDir = reportDir;
	}

	public boolean isExitWhenDone() {
		return this.exitWhenDone;
	}

	public void setExitWhenDone(boolean exitWhenDone) {
		this.exitWhenDone = exitWhenDone;
	}

	/** What to do with the gates at start-up. */
	public enum OnStartup {

		/** Nothing: chains stay unvalidated until a gate runs some other way. */
		OFF,

		/**
		 * Run them in the background once the application is up; the outcome is only
		 * reported.
		 */
		RUN,

		/**
		 * Run them before the application takes traffic, and fail start-up if one fails.
		 */
		BLOCK

	}

	/** Allowed divergence of a fallback from the primary, per dimension. */
	public static class Tolerances {

		/** Allowed relative divergence of mean output length, either way (0.15 = 15%). */
		private double meanLength = GateTolerances.DEFAULT_TOLERANCE;

		/** Allowed relative divergence of p95 output length, either way. */
		private double p95Length = GateTolerances.DEFAULT_TOLERANCE;

		/**
		 * Allowed drop of the JSON schema compliance rate, in absolute terms (0.15 = 15
		 * points).
		 */
		private double schemaCompliance = GateTolerances.DEFAULT_TOLERANCE;

		/** Allowed drop of mean required-field coverage, in absolute terms. */
		private double fieldCoverage = GateTolerances.DEFAULT_TOLERANCE;

		/** Allowed rise of the failure rate, in absolute terms. */
		private double failureRate = GateTolerances.DEFAULT_TOLERANCE;

		/** Allowed relative rise of p95 latency (1.0 = up to twice the primary's). */
		private double p95Latency = GateTolerances.DEFAULT_LATENCY_TOLERANCE;

		/** Allowed relative rise of cost per request. */
		private double costPerRequest = GateTolerances.DEFAULT_TOLERANCE;

		/**
		 * Allowed drop of the share of lines with tools where a fallback calls the tools
		 * the primary calls with valid arguments, in absolute terms.
		 */
		private double toolCallAgreement = GateTolerances.DEFAULT_TOLERANCE;

		/** Dimensions whose verdict decides the gate; the others are reported only. */
		private Set<GateDimension> enforced = new LinkedHashSet<>(GateTolerances.DEFAULT_ENFORCED);

		public double getMeanLength() {
			return this.meanLength;
		}

		public void setMeanLength(double meanLength) {
			this.meanLength = meanLength;
		}

		public double getP95Length() {
			return this.p95Length;
		}

		public void setP95Length(double p95Length) {
			this.p95Length = p95Length;
		}

		public double getSchemaCompliance() {
			return this.schemaCompliance;
		}

		public void setSchemaCompliance(double schemaCompliance) {
			this.schemaCompliance = schemaCompliance;
		}

		public double getFieldCoverage() {
			return this.fieldCoverage;
		}

		public void setFieldCoverage(double fieldCoverage) {
			this.fieldCoverage = fieldCoverage;
		}

		public double getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(double failureRate) {
			this.failureRate = failureRate;
		}

		public double getP95Latency() {
			return this.p95Latency;
		}

		public void setP95Latency(double p95Latency) {
			this.p95Latency = p95Latency;
		}

		public double getCostPerRequest() {
			return this.costPerRequest;
		}

		public void setCostPerRequest(double costPerRequest) {
			this.costPerRequest = costPerRequest;
		}

		public double getToolCallAgreement() {
			return this.toolCallAgreement;
		}

		public void setToolCallAgreement(double toolCallAgreement) {
			this.toolCallAgreement = toolCallAgreement;
		}

		public Set<GateDimension> getEnforced() {
			return this.enforced;
		}

		public void setEnforced(Set<GateDimension> enforced) {
			this.enforced = enforced;
		}

	}

}
