package io.llmfallback.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.llmfallback.observe.internal.FallbackSignals;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Evaluates the alerts on a fixed interval, on one daemon thread, so that an alert also
 * resolves when traffic stops and its window empties.
 */
final class AlertEvaluation implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(AlertEvaluation.class);

	private final FallbackSignals signals;

	private final Duration interval;

	private @Nullable ScheduledExecutorService executor;

	AlertEvaluation(FallbackSignals signals, Duration interval) {
		this.signals = signals;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "llm-fallback-alerts");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::evaluate, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void evaluate() {
		try {
			this.signals.evaluate();
		}
		catch (RuntimeException ex) {
			// A failing listener must not stop the schedule.
			logger.error("Evaluating LLM fallback alerts failed", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
