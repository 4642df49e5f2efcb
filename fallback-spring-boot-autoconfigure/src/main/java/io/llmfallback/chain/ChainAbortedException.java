package io.llmfallback.chain;

import java.util.List;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;

/**
 * A provider failed in a way the chain's {@code fallback-on} does not move on from (by
 * default a bad request or an auth failure): trying the next provider would hide a fault
 * in the request or the configuration, so the chain stops.
 */
public final class ChainAbortedException extends ChainFailureException {

	private final FailureCategory category;

	public ChainAbortedException(String chain, String operation, List<AttemptRecord> attempts,
			ProviderException failure) {
		super(chain, operation, attempts, "stopped on " + failure.getCategory().wireName() + " (not in fallback-on)",
				failure);
		this.category = failure.getCategory();
	}

	public FailureCategory getCategory() {
		return this.category;
	}

}
