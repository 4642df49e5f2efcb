package io.llmfallback.observe.internal;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;

import io.llmfallback.observe.Signal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Exports the in-process signals as gauges: {@code llm.fallback.signal} (chain, signal,
 * operation) with the signal's current value (NaN while its window is empty), and
 * {@code llm.fallback.alert.firing} (signal, chain, provider) as 1 or 0 from the last
 * evaluation. The chain's own values have an empty operation; the output length delta
 * also has one gauge per operation, registered as the operation's first served request is
 * recorded (at most {@value ChainSignals#MAX_OPERATIONS} and the pool of the others per
 * chain).
 */
public final class SignalMeters implements MeterBinder {

	private final FallbackSignals signals;

	private final Collection<String> chains;

	private final Collection<String> providers;

	public SignalMeters(FallbackSignals signals, Collection<String> chains, Collection<String> providers) {
		this.signals = signals;
		this.chains = chains;
		this.providers = providers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String chain : this.chains) {
			signal(registry, chain, Signal.ACTIVATION_RATE, ChainSignalSnapshot::activationRate);
			signal(registry, chain, Signal.FALLBACK_P95_RATIO, ChainSignalSnapshot::fallbackP95Ratio);
			signal(registry, chain, Signal.OUTPUT_LENGTH_DELTA, ChainSignalSnapshot::outputLengthDelta);
			signal(registry, chain, Signal.BLENDED_COST_RATIO, ChainSignalSnapshot::blendedCostRatio);
			signal(registry, chain, Signal.MIDDLEWARE_OVERHEAD, ChainSignalSnapshot::middlewareOverhead);
			for (Signal signal : Signal.values()) {
				if (signal != Signal.BREAKER_OPEN) {
					firing(registry, signal, chain, "");
				}
			}
		}
		for (String provider : this.providers) {
			firing(registry, Signal.BREAKER_OPEN, "", provider);
		}
		this.signals.onOperationTracked((chain, operation) -> signal(registry, chain, Signal.OUTPUT_LENGTH_DELTA,
				operation, (signals) -> signals.outputLengthDelta(chain, operation)));
	}

	private void signal(MeterRegistry registry, String chain, Signal signal,
			Function<ChainSignalSnapshot, @Nullable Double> value) {
		signal(registry, chain, signal, "", (signals) -> value.apply(signals.snapshot(chain)));
	}

	/**
	 * Every series has the operation tag, empty for the chain's values: Prometheus wants
	 * the same tag keys.
	 */
	private void signal(MeterRegistry registry, String chain, Signal signal, String operation,
			Function<FallbackSignals, @Nullable Double> value) {
		Gauge.builder("llm.fallback.signal", this.signals, (signals) -> orNaN(value.apply(signals)))
			.description("A fallback signal over its rolling window")
			.tags("chain", chain, "signal", signal.wireName(), "operation", operation)
			.register(registry);
	}

	private void firing(MeterRegistry registry, Signal signal, String chain, String provider) {
		Gauge
			.builder("llm.fallback.alert.firing", this.signals,
					(signals) -> signals.alerts()
						.stream()
						.anyMatch((alert) -> alert.firing() && alert.signal().equals(signal.wireName())
								&& Objects.equals(Objects.requireNonNullElse(alert.chain(), ""), chain)
								&& Objects.equals(Objects.requireNonNullElse(alert.provider(), ""), provider)) ? 1 : 0)
			.description("1 while the alert fires, as of the last evaluation")
			.tags("signal", signal.wireName(), "chain", chain, "provider", provider)
			.register(registry);
	}

	private static double orNaN(@Nullable Double value) {
		return (value != null) ? value : Double.NaN;
	}

}
