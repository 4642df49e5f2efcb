package io.llmfallback.gate.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * What the gate adds to each chain entry ({@code llm.fallback.chains.<name>.*}), bound
 * beside the chain's runtime properties.
 */
public class ChainGateProperties {

	/**
	 * Location of the chain's compatibility-gate corpus (JSONL), e.g.
	 * classpath:gate/summarize.jsonl.
	 */
	private @Nullable String gateCorpus;

	public @Nullable String getGateCorpus() {
		return this.gateCorpus;
	}

	public void setGateCorpus(@Nullable String gateCorpus) {
		this.gateCorpus = gateCorpus;
	}

}
