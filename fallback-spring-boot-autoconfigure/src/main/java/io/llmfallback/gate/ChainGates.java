package io.llmfallback.gate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.llmfallback.chain.FallbackChains;
import io.llmfallback.cost.Pricing;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the compatibility gate of a configured chain on its configured corpus. The corpus comes from
 * configuration only, never from the caller, so that an operation exposing this cannot be made to read
 * arbitrary files.
 */
public final class ChainGates {

	private final FallbackChains chains;

	private final Map<String, Pricing> pricing;

	private final Map<String, Callable<InputStream>> corpora;

	private final GateTolerances tolerances;

	private final GateValidations validations;

	/**
	 * @param chains the configured chains
	 * @param pricing prices by provider
	 * @param corpora how to open each chain's corpus, by chain name
	 * @param tolerances the divergences each fallback may show
	 * @param validations where each run's outcome is recorded
	 */
	public ChainGates(FallbackChains chains, Map<String, Pricing> pricing, Map<String, Callable<InputStream>> corpora,
			GateTolerances tolerances, GateValidations validations) {
		this.chains = chains;
		this.pricing = Map.copyOf(pricing);
		this.corpora = Map.copyOf(corpora);
		this.tolerances = tolerances;
		this.validations = validations;
	}

	/** The chains that have a corpus, in no particular order. */
	public Set<String> chainsWithCorpus() {
		return this.corpora.keySet();
	}

	/** The outcome of each chain's latest run. */
	public GateValidations validations() {
		return this.validations;
	}

	/** Whether the chain has a corpus to run the gate on. */
	public boolean hasCorpus(String chain) {
		return this.corpora.containsKey(chain);
	}

	/**
	 * Replays the chain's corpus through its primary and every fallback, and records the outcome as the
	 * chain's {@linkplain GateValidations validation}.
	 * @throws IllegalArgumentException when the chain is unknown or has no corpus configured
	 */
	public Mono<GateReport> run(String chain) {
		Callable<InputStream> corpus = this.corpora.get(chain);
		if (corpus == null) {
			throw new IllegalArgumentException("Chain '" + chain + "' has no gate corpus configured");
		}
		CompatibilityGate gate = CompatibilityGate.forChain(this.chains.chain(chain), this.pricing)
			.tolerances(this.tolerances)
			.build();
		// Reading the corpus is blocking I/O: kept off the caller's (possibly event-loop) thread.
		return Mono.fromCallable(() -> {
			try (InputStream input = corpus.call()) {
				return GateCorpus.read(input);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the gate corpus of chain '" + chain + "'", ex);
			}
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(gate::run)
			.doOnNext((report) -> this.validations.record(chain, report))
			.doOnError((ex) -> this.validations.recordNotRun(chain, ex));
	}

}
