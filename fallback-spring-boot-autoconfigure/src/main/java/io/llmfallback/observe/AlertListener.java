package io.llmfallback.observe;

/** Told once each time an alert starts or stops firing. */
@FunctionalInterface
public interface AlertListener {

	void onTransition(AlertTransition transition);

}
