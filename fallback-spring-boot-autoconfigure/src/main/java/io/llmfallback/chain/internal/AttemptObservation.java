package io.llmfallback.chain.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainAttemptObservationConvention;
import io.llmfallback.chain.ChainObservationDocumentation;
import io.llmfallback.chain.DefaultChainAttemptObservationConvention;
import io.llmfallback.chain.StreamStats;
import io.llmfallback.model.ChatResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The observation of one attempt, unary or streamed. It is stopped before the attempt's
 * outcome travels on, so that the attempt span ends before the next attempt starts and
 * before the request span ends; and once, since a cancel can follow the answer.
 */
final class AttemptObservation {

	private static final ChainAttemptObservationConvention DEFAULT_CONVENTION = new DefaultChainAttemptObservationConvention();

	private final ChainAttemptObservationContext context;

	private final Observation observation;

	private final AtomicBoolean stopped = new AtomicBoolean();

	/**
	 * Starts the observation.
	 * @param convention the user's convention, {@code null} for the default one
	 */
	AttemptObservation(ChainAttemptObservationContext context, @Nullable ChainAttemptObservationConvention convention,
			ObservationRegistry registry, Observation parent) {
		this.context = context;
		this.observation = ChainObservationDocumentation.ATTEMPT
			.observation(convention, DEFAULT_CONVENTION, () -> context, registry)
			.parentObservation(parent)
			.start();
	}

	/** The running observation, for the provider's HTTP client to take as its parent. */
	Observation observation() {
		return this.observation;
	}

	/**
	 * Marks the attempt streamed, with the record of its chunks that the span reads when
	 * it stops.
	 */
	void streamed(StreamStats stream) {
		this.context.streamed(stream);
	}

	void succeeded(@Nullable ChatResponse response) {
		if (this.stopped.compareAndSet(false, true)) {
			if (response != null) {
				this.context.succeeded(response);
			}
			this.observation.stop();
		}
	}

	void failed(Throwable failure) {
		if (this.stopped.compareAndSet(false, true)) {
			this.context.failed(failure);
			this.observation.error(failure);
			this.observation.stop();
		}
	}

	/**
	 * Stops the observation of an attempt cancelled from downstream.
	 * @param givenUp why a call the provider was working on was given up, {@code null}
	 * when it was never sent
	 */
	void cancelled(@Nullable String givenUp) {
		if (this.stopped.compareAndSet(false, true)) {
			if (givenUp != null) {
				this.context.givenUp(givenUp);
			}
			this.observation.stop();
		}
	}

}
