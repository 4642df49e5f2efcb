package io.llmfallback.review.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.gate.Distribution;
import io.llmfallback.gate.ProviderStats;
import io.llmfallback.gate.internal.Figures;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.review.ProviderReview;
import io.llmfallback.window.internal.ValueHistogram;
import org.jspecify.annotations.Nullable;

/**
 * What one provider did for one chain: within one slice of the window, or summed over the
 * window. Its maps are keyed by attempt labels, so they hold a handful of entries
 * whatever the traffic.
 */
final class ProviderTally {

	private static final int COST_SCALE = 10;

	private final Map<String, Long> failures = new TreeMap<>();

	private final Map<String, Long> skipped = new TreeMap<>();

	private final ValueHistogram lengths = new ValueHistogram();

	private final ValueHistogram latencies = new ValueHistogram();

	private long answered;

	private long contractRejections;

	private long schemaChecked;

	private long schemaCompliant;

	private double coverageSum;

	private long coverageCount;

	private long inputTokens;

	private long outputTokens;

	private BigDecimal cost = BigDecimal.ZERO;

	private long firstCallMillis = Long.MAX_VALUE;

	private long lastCallMillis = Long.MIN_VALUE;

	void record(AttemptRecord attempt, long nowMillis) {
		switch (attempt.outcome()) {
			case SUCCESS -> answered(attempt);
			case FAILED -> {
				// An answer the contract turned away is still an answer: the gate would
				// have measured it.
				if (attempt.category() == FailureCategory.CONTRACT_VIOLATION) {
					this.contractRejections++;
					answered(attempt);
				}
				else {
					this.failures.merge(attempt.label(), 1L, Long::sum);
				}
			}
			case SHORT_CIRCUITED, BUDGET_EXHAUSTED, SPEND_LIMITED -> {
				this.skipped.merge(attempt.label(), 1L, Long::sum);
				return;
			}
		}
		this.inputTokens += attempt.usage().inputTokens();
		this.outputTokens += attempt.usage().outputTokens();
		this.cost = this.cost.add(attempt.costUsd());
		this.firstCallMillis = Math.min(this.firstCallMillis, nowMillis);
		this.lastCallMillis = Math.max(this.lastCallMillis, nowMillis);
	}

	private void answered(AttemptRecord attempt) {
		this.answered++;
		this.latencies.record(attempt.duration());
		ContractCheck check = attempt.contract();
		if (check.schemaCompliant() != null) {
			this.schemaChecked++;
			if (check.schemaCompliant()) {
				this.schemaCompliant++;
			}
		}
		if (check.fieldCoverage() != null) {
			this.coverageSum += check.fieldCoverage();
			this.coverageCount++;
		}
	}

	/**
	 * The served answer's length in characters (code points, as the gate counts them).
	 */
	void served(int length) {
		this.lengths.record(length);
	}

	void add(ProviderTally other) {
		other.failures.forEach((label, count) -> this.failures.merge(label, count, Long::sum));
		other.skipped.forEach((label, count) -> this.skipped.merge(label, count, Long::sum));
		this.lengths.add(other.lengths);
		this.latencies.add(other.latencies);
		this.answered += other.answered;
		this.contractRejections += other.contractRejections;
		this.schemaChecked += other.schemaChecked;
		this.schemaCompliant += other.schemaCompliant;
		this.coverageSum += other.coverageSum;
		this.coverageCount += other.coverageCount;
		this.inputTokens += other.inputTokens;
		this.outputTokens += other.outputTokens;
		this.cost = this.cost.add(other.cost);
		this.firstCallMillis = Math.min(this.firstCallMillis, other.firstCallMillis);
		this.lastCallMillis = Math.max(this.lastCallMillis, other.lastCallMillis);
	}

	void reset() {
		this.failures.clear();
		this.skipped.clear();
		this.lengths.reset();
		this.latencies.reset();
		this.answered = 0;
		this.contractRejections = 0;
		this.schemaChecked = 0;
		this.schemaCompliant = 0;
		this.coverageSum = 0;
		this.coverageCount = 0;
		this.inputTokens = 0;
		this.outputTokens = 0;
		this.cost = BigDecimal.ZERO;
		this.firstCallMillis = Long.MAX_VALUE;
		this.lastCallMillis = Long.MIN_VALUE;
	}

	/** Attempts made: answered or failed. */
	long calls() {
		return this.answered + this.failures.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * The mean time between two calls, from the first call to the last; {@code null} on
	 * fewer than two.
	 */
	@Nullable Double meanCallGapMillis() {
		long calls = calls();
		return (calls < 2) ? null : (double) (this.lastCallMillis - this.firstCallMillis) / (calls - 1);
	}

	ProviderReview review(String provider, String model, boolean primary, boolean priced, int minSamples) {
		long calls = calls();
		long failed = calls - this.answered;
		Map<String, Integer> failuresByCategory = new TreeMap<>();
		this.failures.forEach((label, count) -> failuresByCategory.put(label, saturated(count)));
		BigDecimal costPerRequest = (calls > 0)
				? this.cost.divide(BigDecimal.valueOf(calls), COST_SCALE, RoundingMode.HALF_UP) : BigDecimal.ZERO;
		ProviderStats stats = new ProviderStats(provider, model, primary, saturated(calls), saturated(this.answered),
				saturated(failed), rate(failed, calls), failuresByCategory, Figures.distribution(this.lengths),
				saturated(this.schemaChecked), saturated(this.schemaCompliant),
				(this.schemaChecked > 0) ? rate(this.schemaCompliant, this.schemaChecked) : null,
				(this.coverageCount > 0) ? round(this.coverageSum / this.coverageCount, 6) : null,
				// Live traffic keeps no pair of answers to one request to compare tool
				// calls.
				0, 0, null, 0, 0, null, Figures.distribution(this.latencies), this.inputTokens, this.outputTokens,
				priced, this.cost.stripTrailingZeros(), costPerRequest.stripTrailingZeros(), List.of());
		Double p99 = (this.latencies.count() > 0) ? (double) this.latencies.quantile(0.99) : null;
		return new ProviderReview(stats, p99, this.contractRejections, this.skipped, calls >= minSamples);
	}

	private static double rate(long part, long whole) {
		return (whole == 0) ? 0 : round((double) part / whole, 6);
	}

	private static double round(double value, int decimals) {
		return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
	}

	// The gate's figures are ints: a window of more than 2^31 calls to one provider reads
	// as 2^31 - 1.
	private static int saturated(long count) {
		return (int) Math.min(count, Integer.MAX_VALUE);
	}

}
