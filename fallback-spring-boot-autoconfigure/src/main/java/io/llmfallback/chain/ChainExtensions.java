package io.llmfallback.chain;

import java.util.List;

import io.micrometer.observation.ObservationRegistry;

/**
 * What a chain is given beyond its providers: middleware and tracing.
 *
 * @param middleware run around the provider calls, in order, each at its stage
 * @param observations where request and attempt observations go ({@link ObservationRegistry#NOOP} for none)
 * @param captureContent whether attempt observations carry prompt and completion text
 * @param spendGuard the spend limits that keep expensive fallbacks from being called
 */
public record ChainExtensions(List<ChainMiddleware> middleware, ObservationRegistry observations,
		boolean captureContent, SpendGuard spendGuard) {

	/** No middleware, no tracing, no spend limits. */
	public static final ChainExtensions NONE = new ChainExtensions(List.of(), ObservationRegistry.NOOP, false);

	public ChainExtensions {
		middleware = List.copyOf(middleware);
	}

	/** Without spend limits. */
	public ChainExtensions(List<ChainMiddleware> middleware, ObservationRegistry observations, boolean captureContent) {
		this(middleware, observations, captureContent, SpendGuard.UNLIMITED);
	}

	List<ChainMiddleware> at(ChainMiddleware.Stage stage) {
		return this.middleware.stream().filter((candidate) -> candidate.stage() == stage).toList();
	}

}
