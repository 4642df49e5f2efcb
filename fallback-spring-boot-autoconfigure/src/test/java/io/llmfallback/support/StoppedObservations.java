package io.llmfallback.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

/**
 * An observation registry that keeps every observation it stops, with its key values, as
 * a tracing handler receives them when they end.
 */
public final class StoppedObservations {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	public StoppedObservations() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				StoppedObservations.this.stopped.add(context);
			}

		});
	}

	public ObservationRegistry registry() {
		return this.registry;
	}

	/** The observations stopped so far, in the order they stopped. */
	public List<Observation.Context> stopped() {
		return this.stopped;
	}

}
