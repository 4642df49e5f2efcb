package io.llmfallback.observe.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.internal.BreakerTransition;
import io.llmfallback.chain.internal.BreakerTransitionListener;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.AlertListener;
import io.llmfallback.observe.AlertTransition;
import io.llmfallback.observe.Signal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The six fallback signals of every chain, computed in-process over rolling windows, and
 * their alerts.
 * <p>
 * {@link #evaluate()} compares every signal with its threshold and tells the
 * {@link AlertListener} (and the log, at WARN) once when an alert starts firing and once
 * when it stops: never per request. Breaker alerts follow the breaker's own transitions
 * as they happen, so an open-and-closed flap between two evaluations is not missed.
 */
public final class FallbackSignals implements ChainListener, BreakerTransitionListener {

	private static final Log logger = LogFactory.getLog(FallbackSignals.class);

	private final AlertSettings settings;

	private final Clock clock;

	private final AlertListener alertListener;

	private final Map<String, ChainSignals> chains = new LinkedHashMap<>();

	private final Map<String, CircuitBreaker.State> breakerStates = new LinkedHashMap<>();

	private final Set<String> firing = new HashSet<>();

	/** Told of each (chain, operation) whose output lengths start being kept apart. */
	private final List<BiConsumer<String, String>> operationListeners = new CopyOnWriteArrayList<>();

	private List<Alert> lastAlerts = List.of();

	public FallbackSignals(Collection<String> chains, Collection<String> providers, AlertSettings settings, Clock clock,
			AlertListener alertListener) {
		this.settings = settings;
		this.clock = clock;
		this.alertListener = alertListener;
		chains.forEach((chain) -> this.chains.put(chain, new ChainSignals(chain, settings, clock,
				(operation) -> this.operationListeners.forEach((listener) -> listener.accept(chain, operation)))));
		providers.forEach((provider) -> this.breakerStates.put(provider, CircuitBreaker.State.CLOSED));
	}

	@Override
	public void onOutcome(ChainOutcome outcome) {
		ChainSignals signals = this.chains.get(outcome.chain());
		if (signals != null) {
			signals.record(outcome);
		}
	}

	@Override
	public void onTransition(BreakerTransition transition) {
		synchronized (this) {
			this.breakerStates.put(transition.provider(), transition.to());
			Alert alert = breakerAlert(transition.provider(), transition.to());
			announceIfChanged(alert);
			this.lastAlerts = replace(this.lastAlerts, alert);
		}
	}

	public AlertSettings settings() {
		return this.settings;
	}

	/**
	 * The signals of a chain now.
	 * @throws IllegalArgumentException for a chain that is not configured
	 */
	public ChainSignalSnapshot snapshot(String chain) {
		return signals(chain).snapshot();
	}

	private ChainSignals signals(String chain) {
		ChainSignals signals = this.chains.get(chain);
		if (signals == null) {
			throw new IllegalArgumentException("No chain named '" + chain + "'");
		}
		return signals;
	}

	/**
	 * Tells the listener of every (chain, operation) whose output lengths are kept apart:
	 * at once of those so far, then of each new one as its first served request is
	 * recorded, on that request's thread.
	 */
	public void onOperationTracked(BiConsumer<String, String> listener) {
		this.operationListeners.add(listener);
		this.chains.forEach(
				(chain, signals) -> signals.operations().forEach((operation) -> listener.accept(chain, operation)));
	}

	/**
	 * The output length delta of one operation of a chain over its window, {@code null}
	 * without data for it. Cheaper than a whole {@link #snapshot(String)}.
	 * @throws IllegalArgumentException for a chain that is not configured
	 */
	public @Nullable Double outputLengthDelta(String chain, String operation) {
		return signals(chain).outputLengthDelta(operation);
	}

	/** The alerts as last evaluated. */
	public synchronized List<Alert> alerts() {
		return this.lastAlerts;
	}

	/**
	 * Evaluates every alert against the signals now and announces the transitions.
	 * @return the alerts, firing or not
	 */
	public synchronized List<Alert> evaluate() {
		List<Alert> alerts = new ArrayList<>();
		this.chains.forEach((chain, signals) -> chainAlerts(chain, signals.snapshot(), alerts));
		this.breakerStates.forEach((provider, state) -> alerts.add(breakerAlert(provider, state)));
		alerts.forEach(this::announceIfChanged);
		this.lastAlerts = List.copyOf(alerts);
		return this.lastAlerts;
	}

	private void chainAlerts(String chain, ChainSignalSnapshot snapshot, List<Alert> alerts) {
		ChainSignalSnapshot.Samples samples = snapshot.samples();
		alerts.add(alert(Signal.ACTIVATION_RATE, chain, null, snapshot.activationRate(),
				this.settings.activationRateThreshold(), samples.activationRate()));
		// The fallback P95 needs fallback-served requests of its own; the baseline just
		// needs to exist.
		alerts.add(alert(Signal.FALLBACK_P95_RATIO, chain, null, snapshot.fallbackP95Ratio(),
				this.settings.fallbackP95RatioThreshold(), samples.fallbackP95()));
		alerts.add(alert(Signal.OUTPUT_LENGTH_DELTA, chain, snapshot.outputLengthOperation(),
				snapshot.outputLengthDelta(), this.settings.outputLengthDeltaThreshold(), samples.outputLength()));
		alerts.add(alert(Signal.BLENDED_COST_RATIO, chain, null, snapshot.blendedCostRatio(),
				this.settings.blendedCostRatioThreshold(), samples.blendedCost()));
		alerts.add(alert(Signal.MIDDLEWARE_OVERHEAD, chain, null, snapshot.middlewareOverhead(),
				this.settings.middlewareOverheadThreshold(), samples.middleware()));
	}

	/**
	 * An alert fires strictly above its threshold, and only when its own window holds at
	 * least {@code min-requests} requests. The output-length delta is that of the
	 * operation with the largest magnitude, with that operation's own requests, and is
	 * judged on its magnitude: a fallback that answers much longer drifts as much as one
	 * that answers much shorter.
	 */
	private Alert alert(Signal signal, String chain, @Nullable String operation, @Nullable Double value,
			double threshold, long samples) {
		boolean firing = value != null && samples >= this.settings.minRequests()
				&& ((signal == Signal.OUTPUT_LENGTH_DELTA) ? Math.abs(value) : value) > threshold;
		return new Alert(signal.wireName(), chain, null, operation, value, threshold, firing);
	}

	private static Alert breakerAlert(String provider, CircuitBreaker.State state) {
		boolean open = state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN
				|| state == CircuitBreaker.State.FORCED_OPEN;
		return new Alert(Signal.BREAKER_OPEN.wireName(), null, provider, null, open ? 1.0 : 0.0, 0, open);
	}

	private void announceIfChanged(Alert alert) {
		boolean wasFiring = this.firing.contains(alert.key());
		if (alert.firing() == wasFiring) {
			return;
		}
		if (alert.firing()) {
			this.firing.add(alert.key());
			logger.warn("LLM fallback alert firing: " + alert);
		}
		else {
			this.firing.remove(alert.key());
			logger.warn("LLM fallback alert resolved: " + alert);
		}
		this.alertListener.onTransition(new AlertTransition(alert, this.clock.instant()));
	}

	private static List<Alert> replace(List<Alert> alerts, Alert replacement) {
		List<Alert> replaced = new ArrayList<>(alerts.size() + 1);
		boolean found = false;
		for (Alert alert : alerts) {
			if (alert.key().equals(replacement.key())) {
				replaced.add(replacement);
				found = true;
			}
			else {
				replaced.add(alert);
			}
		}
		if (!found) {
			replaced.add(replacement);
		}
		return List.copyOf(replaced);
	}

}
