package io.llmfallback.chain;

/**
 * Told how every logical request of every chain ended; statistics, rolling signals and meters hang off
 * this. Called on the thread that completed the request: keep it quick and non-blocking.
 */
@FunctionalInterface
public interface ChainListener {

	void onOutcome(ChainOutcome outcome);

}
