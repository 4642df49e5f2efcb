package io.llmfallback.review.internal;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.window.internal.TimeBuckets;

/**
 * What one chain did within one slice of the review window, per provider in chain order;
 * or over the window.
 */
final class ChainTally implements TimeBuckets.Bucket {

	private final ProviderTally[] providers;

	private long requests;

	private long fallbackActivations;

	private long failures;

	ChainTally(int providers) {
		this.providers = new ProviderTally[providers];
		for (int index = 0; index < providers; index++) {
			this.providers[index] = new ProviderTally();
		}
	}

	void record(ChainOutcome outcome, long nowMillis) {
		this.requests++;
		if (outcome.path() == ServedPath.FALLBACK) {
			this.fallbackActivations++;
		}
		else if (outcome.path() == ServedPath.NONE) {
			this.failures++;
		}
		for (AttemptRecord attempt : outcome.attempts()) {
			if (attempt.index() < this.providers.length) {
				this.providers[attempt.index()].record(attempt, nowMillis);
			}
		}
		ChainResponse response = outcome.response();
		if (response != null) {
			AttemptRecord serving = response.servingAttempt();
			if (serving.index() < this.providers.length) {
				String text = response.text();
				this.providers[serving.index()].served(text.codePointCount(0, text.length()));
			}
		}
	}

	void add(ChainTally other) {
		this.requests += other.requests;
		this.fallbackActivations += other.fallbackActivations;
		this.failures += other.failures;
		for (int index = 0; index < this.providers.length; index++) {
			this.providers[index].add(other.providers[index]);
		}
	}

	@Override
	public void reset() {
		this.requests = 0;
		this.fallbackActivations = 0;
		this.failures = 0;
		for (ProviderTally provider : this.providers) {
			provider.reset();
		}
	}

	ProviderTally provider(int index) {
		return this.providers[index];
	}

	long requests() {
		return this.requests;
	}

	long fallbackActivations() {
		return this.fallbackActivations;
	}

	long failures() {
		return this.failures;
	}

}
