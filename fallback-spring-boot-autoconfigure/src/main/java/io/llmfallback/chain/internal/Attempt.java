package io.llmfallback.chain.internal;

/**
 * One call of a provider: its place in the chain and how it came to be made.
 *
 * @param index the provider's place in the chain
 * @param lastResort whether the call goes past the provider's open breaker
 * @param retry how many times the provider was called before for this request
 * @param hedge whether the call started beside a primary that was still working
 */
record Attempt(int index, boolean lastResort, int retry, boolean hedge) {

	/** A first call of the provider at the index. */
	static Attempt of(int index, boolean hedge) {
		return new Attempt(index, false, 0, hedge);
	}

	/** A last-resort call of the provider at the index, past its open breaker. */
	static Attempt lastResort(int index) {
		return new Attempt(index, true, 0, false);
	}

	Attempt retried() {
		return new Attempt(this.index, this.lastResort, this.retry + 1, this.hedge);
	}

}
