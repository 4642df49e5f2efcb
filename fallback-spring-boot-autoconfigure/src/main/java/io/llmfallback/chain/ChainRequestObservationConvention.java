package io.llmfallback.chain;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and attributes of the observation of a logical request. A bean of this type
 * replaces {@link DefaultChainRequestObservationConvention}; extend that class to add to
 * its attributes rather than restate them.
 */
public interface ChainRequestObservationConvention extends ObservationConvention<ChainRequestObservationContext> {

	/**
	 * The documented name, so that a convention that only renames the span or adds
	 * attributes keeps it: the starter's meter filter and tracing set-ups select the
	 * observation by it.
	 */
	@Override
	default String getName() {
		return ChainObservationDocumentation.REQUEST.getName();
	}

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ChainRequestObservationContext;
	}

}
