package io.llmfallback.benchmarks.outage;

import java.time.Duration;
import java.util.List;

/**
 * The phases one after the other, from the run's origin; the load and the simulators read
 * the same one.
 */
final class PhaseSchedule {

	private final List<Phase> phases;

	private final long[] startNanos;

	private final long totalNanos;

	PhaseSchedule(List<Phase> phases) {
		if (phases.isEmpty()) {
			throw new IllegalArgumentException("An outage schedule needs at least one phase");
		}
		this.phases = List.copyOf(phases);
		this.startNanos = new long[phases.size()];
		long start = 0;
		for (int i = 0; i < phases.size(); i++) {
			this.startNanos[i] = start;
			start += phases.get(i).length().toNanos();
		}
		this.totalNanos = start;
	}

	List<Phase> phases() {
		return this.phases;
	}

	Duration total() {
		return Duration.ofNanos(this.totalNanos);
	}

	/** Where the phase of that index starts, from the origin. */
	long startNanos(int index) {
		return this.startNanos[index];
	}

	/**
	 * The index of the phase at that time from the origin; the last phase from its start
	 * on.
	 */
	int indexAt(long nanosFromOrigin) {
		for (int i = this.startNanos.length - 1; i > 0; i--) {
			if (nanosFromOrigin >= this.startNanos[i]) {
				return i;
			}
		}
		return 0;
	}

	Phase phaseAt(long nanosFromOrigin) {
		return this.phases.get(indexAt(nanosFromOrigin));
	}

}
