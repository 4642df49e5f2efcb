package io.llmfallback.chain.internal;

import java.util.List;

import io.llmfallback.chain.ChainAttemptObservationConvention;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainRequestObservationConvention;
import io.llmfallback.chain.DefaultChainAttemptObservationConvention;
import io.llmfallback.chain.DefaultChainRequestObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What a chain is given beyond its providers: middleware and tracing.
 *
 * @param middleware run around the provider calls, in order, each at its stage
 * @param observations where request and attempt observations go
 * ({@link ObservationRegistry#NOOP} for none)
 * @param captureContent whether attempt observations carry prompt and completion text
 * @param spendGuard the spend limits that keep expensive fallbacks from being called
 * @param requestConvention names and attributes of request observations in place of
 * {@link DefaultChainRequestObservationConvention}, {@code null} for that one
 * @param attemptConvention names and attributes of attempt observations in place of
 * {@link DefaultChainAttemptObservationConvention}, {@code null} for that one
 */
public record ChainExtensions(List<ChainMiddleware> middleware, ObservationRegistry observations,
		boolean captureContent, SpendGuard spendGuard, @Nullable ChainRequestObservationConvention requestConvention,
		@Nullable ChainAttemptObservationConvention attemptConvention) {

	/** No middleware, no tracing, no spend limits. */
	public static final ChainExtensions NONE = new ChainExtensions(List.of(), ObservationRegistry.NOOP, false);

	public ChainExtensions {
		middleware = List.copyOf(middleware);
	}

	/** With the default observation conventions. */
	public ChainExtensions(List<ChainMiddleware> middleware, ObservationRegistry observations, boolean captureContent,
			SpendGuard spendGuard) {
		this(middleware, observations, captureContent, spendGuard, null, null);
	}

	/** Without spend limits, with the default observation conventions. */
	public ChainExtensions(List<ChainMiddleware> middleware, ObservationRegistry observations, boolean captureContent) {
		this(middleware, observations, captureContent, SpendGuard.UNLIMITED);
	}

	List<ChainMiddleware> at(ChainMiddleware.Stage stage) {
		return this.middleware.stream().filter((candidate) -> candidate.stage() == stage).toList();
	}

}
