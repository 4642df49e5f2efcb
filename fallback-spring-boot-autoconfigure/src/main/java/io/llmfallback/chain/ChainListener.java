package io.llmfallback.chain;

/** Told how every logical request of every chain ended; statistics and meters hang off this. */
public interface ChainListener {

	default void onSuccess(ChainResponse response) {
	}

	default void onFailure(ChainFailureException failure) {
	}

}
