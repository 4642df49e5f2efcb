package io.llmfallback.chain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every configured chain, by name: {@code chains.chain("summarize").chat(request)}. */
public final class FallbackChains {

	private final Map<String, FallbackChain> chains = new LinkedHashMap<>();

	public FallbackChains(Collection<FallbackChain> chains) {
		chains.forEach((chain) -> this.chains.put(chain.name(), chain));
	}

	/**
	 * The chain of that name.
	 * @throws IllegalArgumentException naming the configured chains when there is none of
	 * that name
	 */
	public FallbackChain chain(String name) {
		FallbackChain chain = this.chains.get(name);
		if (chain == null) {
			throw new IllegalArgumentException(
					"No LLM fallback chain named '" + name + "'; configured chains: " + this.chains.keySet());
		}
		return chain;
	}

	/** Whether a chain of that name is configured. */
	public boolean contains(String name) {
		return this.chains.containsKey(name);
	}

	public Collection<FallbackChain> all() {
		return this.chains.values();
	}

}
