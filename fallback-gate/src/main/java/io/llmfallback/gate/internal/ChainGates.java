package io.llmfallback.gate.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import io.llmfallback.chain.FallbackChains;
import io.llmfallback.cost.Pricing;
import io.llmfallback.gate.CompatibilityGate;
import io.llmfallback.gate.GateCorpus;
import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.GateTolerances;
import io.llmfallback.validation.internal.FallbackValidation;
import io.llmfallback.validation.internal.FallbackValidations;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the compatibility gate of a configured chain on its configured corpus. The corpus
 * comes from configuration only, never from the caller, so that an operation exposing
 * this cannot be made to read arbitrary files. At most one run per chain is in progress
 * at a time: each run is billed by every provider of the chain, so a second one at the
 * same time is refused rather than queued.
 */
public final class ChainGates implements FallbackValidations {

	private final FallbackChains chains;

	private final Map<String, Pricing> pricing;

	private final Map<String, Callable<InputStream>> corpora;

	private final GateTolerances tolerances;

	private final GateValidations validations;

	private final Clock clock;

	private final Map<String, Instant> runsInProgress = new ConcurrentHashMap<>();

	/**
	 * @param chains the configured chains
	 * @param pricing prices by provider
	 * @param corpora how to open each chain's corpus, by chain name
	 * @param tolerances the divergences each fallback may show
	 * @param validations where each run's outcome is recorded
	 * @param clock when runs start, for the message that refuses a concurrent run
	 */
	public ChainGates(FallbackChains chains, Map<String, Pricing> pricing, Map<String, Callable<InputStream>> corpora,
			GateTolerances tolerances, GateValidations validations, Clock clock) {
		this.chains = chains;
		this.pricing = Map.copyOf(pricing);
		this.corpora = Map.copyOf(corpora);
		this.tolerances = tolerances;
		this.validations = validations;
		this.clock = clock;
	}

	/** The chains that have a corpus, in no particular order. */
	@Override
	public Set<String> chainsWithCorpus() {
		return this.corpora.keySet();
	}

	/** The outcome of each chain's latest run. */
	public GateValidations validations() {
		return this.validations;
	}

	@Override
	public FallbackValidation of(String chain) {
		return this.validations.of(chain);
	}

	/** Whether the chain has a corpus to run the gate on. */
	public boolean hasCorpus(String chain) {
		return this.corpora.containsKey(chain);
	}

	/**
	 * Replays the chain's corpus through its primary and every fallback, and records the
	 * outcome as the chain's {@linkplain GateValidations validation}. A run of the same
	 * chain still in progress when this one is subscribed to makes it end at once with
	 * {@link GateRunInProgressException}, recorded nowhere.
	 * @throws IllegalArgumentException when the chain is unknown or has no corpus
	 * configured
	 */
	public Mono<GateReport> run(String chain) {
		Callable<InputStream> corpus = this.corpora.get(chain);
		if (corpus == null) {
			throw new IllegalArgumentException("Chain '" + chain + "' has no gate corpus configured");
		}
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			Instant inProgressSince = this.runsInProgress.putIfAbsent(chain, now);
			if (inProgressSince != null) {
				return Mono.error(new GateRunInProgressException(chain, inProgressSince));
			}
			return replay(chain, corpus).doFinally((signal) -> this.runsInProgress.remove(chain, now));
		});
	}

	private Mono<GateReport> replay(String chain, Callable<InputStream> corpus) {
		CompatibilityGate gate = CompatibilityGate.forChain(this.chains.chain(chain), this.pricing)
			.tolerances(this.tolerances)
			.build();
		// Reading the corpus is blocking I/O: kept off the caller's (possibly event-loop)
		// thread.
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
