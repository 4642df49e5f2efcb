package io.llmfallback.gate.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.llmfallback.gate.GateReport;
import io.llmfallback.validation.internal.FallbackValidation.Status;
import io.llmfallback.validation.internal.FallbackValidation;

/**
 * The latest compatibility gate outcome of each chain, whoever ran the gate (start-up,
 * the actuator operation, a command-line run), so that the endpoint and health can say
 * which chains fall back to answers nobody has validated.
 */
public final class GateValidations {

	private final Map<String, FallbackValidation> latest = new ConcurrentHashMap<>();

	/**
	 * The chain's validation; {@link FallbackValidation#UNVALIDATED} until a gate run
	 * judged it.
	 */
	public FallbackValidation of(String chain) {
		return this.latest.getOrDefault(chain, FallbackValidation.UNVALIDATED);
	}

	/**
	 * Records a gate run's report as its chain's validation, unless a run that ended
	 * later is already recorded: runs started from the endpoint and at start-up may
	 * overlap and end out of order.
	 */
	public void record(String chain, GateReport report) {
		FallbackValidation validation = new FallbackValidation(report.passed() ? Status.PASSED : Status.FAILED,
				report.generatedAt(), report.corpusSize(), report.findings());
		this.latest.merge(chain, validation,
				(recorded, candidate) -> endedLater(candidate, recorded) ? candidate : recorded);
	}

	/**
	 * Records a gate run that could not produce a report: the chain is unvalidated again,
	 * whatever an earlier run found, as nothing checks its fallbacks against what the
	 * corpus now says.
	 */
	public void recordNotRun(String chain, Throwable error) {
		this.latest.put(chain, FallbackValidation.notRun("the gate could not run: " + error.getMessage()));
	}

	private static boolean endedLater(FallbackValidation candidate, FallbackValidation recorded) {
		return recorded.checkedAt() == null || candidate.checkedAt() == null
				|| !Instant.parse(candidate.checkedAt()).isBefore(Instant.parse(recorded.checkedAt()));
	}

}
