package io.llmfallback.gate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest compatibility gate outcome of each chain, whoever ran the gate (start-up, the actuator
 * operation, a command-line run), so that the endpoint and health can say which chains fall back to
 * answers nobody has validated.
 */
public final class GateValidations {

	private final Map<String, FallbackValidation> latest = new ConcurrentHashMap<>();

	/** The chain's validation; {@link FallbackValidation#UNVALIDATED} until a gate run judged it. */
	public FallbackValidation of(String chain) {
		return this.latest.getOrDefault(chain, FallbackValidation.UNVALIDATED);
	}

	/** Records a gate run's report as its chain's validation. */
	public void record(String chain, GateReport report) {
		this.latest.put(chain, FallbackValidation.of(report));
	}

	/**
	 * Records a gate run that could not produce a report. A chain a previous run judged keeps that
	 * judgement: an unreadable corpus says nothing new about its fallbacks.
	 */
	public void recordNotRun(String chain, Throwable error) {
		this.latest.computeIfAbsent(chain,
				(name) -> FallbackValidation.notRun("the gate could not run: " + error.getMessage()));
	}

}
