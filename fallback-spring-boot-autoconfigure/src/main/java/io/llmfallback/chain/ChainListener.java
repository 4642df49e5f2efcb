package io.llmfallback.chain;

/**
 * Told how every logical request of every chain ended; statistics, rolling signals and
 * meters hang off this. Called on the thread that completed the request: keep it quick
 * and non-blocking.
 */
@FunctionalInterface
public interface ChainListener {

	void onOutcome(ChainOutcome outcome);

	/**
	 * Told of a request its caller cancelled before it ended (a stream it stopped
	 * reading, a unary call it gave up): it neither served nor failed, so it is not an
	 * outcome, but the calls it made were billed all the same (its attempts list those
	 * cut short as {@code cancelled}, at the usage the provider may bill). Nothing by
	 * default.
	 */
	default void onCancelled(ChainOutcome cancelled) {
	}

}
