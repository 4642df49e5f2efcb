package io.llmfallback.chain.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainOutcome;

/**
 * Counts logical requests per chain since start: how many, how many a fallback served,
 * how many failed.
 */
public final class ChainStatistics implements ChainListener {

	private final Map<String, Counts> byChain = new ConcurrentHashMap<>();

	@Override
	public void onOutcome(ChainOutcome outcome) {
		Counts counts = counts(outcome.chain());
		counts.requests.increment();
		switch (outcome.path()) {
			case FALLBACK -> counts.fallbackActivations.increment();
			case NONE -> counts.failures.increment();
			case PRIMARY -> {
			}
		}
	}

	public Snapshot snapshot(String chain) {
		Counts counts = counts(chain);
		return new Snapshot(counts.requests.sum(), counts.fallbackActivations.sum(), counts.failures.sum());
	}

	private Counts counts(String chain) {
		return this.byChain.computeIfAbsent(chain, (key) -> new Counts());
	}

	private static final class Counts {

		final LongAdder requests = new LongAdder();

		final LongAdder fallbackActivations = new LongAdder();

		final LongAdder failures = new LongAdder();

	}

	/**
	 * Counts of one chain at one moment.
	 *
	 * @param requests logical requests that ended
	 * @param fallbackActivations requests a non-primary provider served
	 * @param failures requests that ended without a response
	 */
	public record Snapshot(long requests, long fallbackActivations, long failures) {

	}

}
