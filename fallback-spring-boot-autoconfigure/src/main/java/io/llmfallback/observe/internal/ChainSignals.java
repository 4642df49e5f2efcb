package io.llmfallback.observe.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.observe.internal.ChainSignalSnapshot.OperationLengths;
import io.llmfallback.window.internal.TimeBuckets;
import io.llmfallback.window.internal.ValueHistogram;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The rolling windows of one chain. Each window is a {@link TimeBuckets} of
 * {@value #BUCKETS} buckets, so memory is fixed per chain (and per operation for output
 * lengths, up to {@value #MAX_OPERATIONS} operations) whatever the traffic.
 */
final class ChainSignals {

	private static final Log logger = LogFactory.getLog(ChainSignals.class);

	static final int BUCKETS = 60;

	/**
	 * Operations whose output lengths are kept apart. Operation names come from code, but
	 * {@code FallbackChain.chat(request, operation)} takes any string: past this many,
	 * the output lengths of every further operation are pooled under
	 * {@link #OTHER_OPERATIONS}.
	 */
	static final int MAX_OPERATIONS = 100;

	/** Where the output lengths of operations past {@link #MAX_OPERATIONS} go. */
	static final String OTHER_OPERATIONS = "(other)";

	private final String chain;

	private final int minRequests;

	/** Told once of each operation as its output lengths start being kept apart. */
	private final Consumer<String> operationTracked;

	private final Set<String> operations = new HashSet<>();

	private final TimeBuckets<Traffic> traffic;

	private final TimeBuckets<ValueHistogram> fallbackLatency;

	private final TimeBuckets<ValueHistogram> primaryLatency;

	private final TimeBuckets<Middleware> middleware;

	private final TimeBuckets<Lengths> lengths;

	private final TimeBuckets<Cost> recentCost;

	private final TimeBuckets<Cost> baselineCost;

	ChainSignals(String chain, AlertSettings settings, Clock clock, Consumer<String> operationTracked) {
		this.chain = chain;
		this.minRequests = settings.minRequests();
		this.operationTracked = operationTracked;
		this.traffic = new TimeBuckets<>(settings.activationRateWindow(), BUCKETS, clock, Traffic::new);
		this.fallbackLatency = new TimeBuckets<>(settings.fallbackP95Window(), BUCKETS, clock, ValueHistogram::new);
		this.primaryLatency = new TimeBuckets<>(settings.primaryP95Baseline(), BUCKETS, clock, ValueHistogram::new);
		this.middleware = new TimeBuckets<>(settings.middlewareOverheadWindow(), BUCKETS, clock, Middleware::new);
		this.lengths = new TimeBuckets<>(settings.outputLengthDeltaWindow(), BUCKETS, clock, Lengths::new);
		this.recentCost = new TimeBuckets<>(settings.blendedCostWindow(), BUCKETS, clock, Cost::new);
		this.baselineCost = new TimeBuckets<>(settings.blendedCostBaseline(), BUCKETS, clock, Cost::new);
	}

	void record(ChainOutcome outcome) {
		ServedPath path = outcome.path();
		Duration duration = outcome.duration();
		int middleware = outcome.totalMiddlewareEvaluations();
		this.traffic.record((bucket) -> bucket.add(path));
		this.middleware.record((bucket) -> bucket.add(path, middleware));
		if (path == ServedPath.PRIMARY) {
			this.primaryLatency.record((histogram) -> histogram.record(duration));
		}
		else if (path == ServedPath.FALLBACK) {
			this.fallbackLatency.record((histogram) -> histogram.record(duration));
		}
		if (path != ServedPath.NONE) {
			String operation = tracked(outcome.operation());
			this.lengths.record((bucket) -> bucket.add(operation, path, outcome.outputLength()));
		}
		BigDecimal cost = outcome.costUsd();
		this.recentCost.record((bucket) -> bucket.add(cost));
		this.baselineCost.record((bucket) -> bucket.add(cost));
	}

	/**
	 * The operation's own name while fewer than {@link #MAX_OPERATIONS} are tracked, else
	 * the pool's.
	 */
	private String tracked(String operation) {
		synchronized (this.operations) {
			if (this.operations.contains(operation)) {
				return operation;
			}
			if (this.operations.size() < MAX_OPERATIONS) {
				this.operations.add(operation);
				this.operationTracked.accept(operation);
				return operation;
			}
			if (this.operations.add(OTHER_OPERATIONS)) {
				logger.warn("Chain '" + this.chain + "' has more than " + MAX_OPERATIONS + " operations: the output "
						+ "lengths of '" + operation + "' and every further operation are pooled under '"
						+ OTHER_OPERATIONS + "'");
				this.operationTracked.accept(OTHER_OPERATIONS);
			}
			return OTHER_OPERATIONS;
		}
	}

	/** The operations whose output lengths are kept apart so far. */
	Set<String> operations() {
		synchronized (this.operations) {
			return Set.copyOf(this.operations);
		}
	}

	/**
	 * The output length delta of one operation over its window, {@code null} without data
	 * for it.
	 */
	@Nullable Double outputLengthDelta(String operation) {
		LengthStats stats = new LengthStats();
		this.lengths.forEachLive((bucket) -> {
			LengthStats recorded = bucket.operations.get(operation);
			if (recorded != null) {
				stats.merge(recorded);
			}
		});
		return stats.delta();
	}

	ChainSignalSnapshot snapshot() {
		Traffic traffic = new Traffic();
		this.traffic.forEachLive(traffic::merge);
		ValueHistogram primary = new ValueHistogram();
		this.primaryLatency.forEachLive(primary::add);
		ValueHistogram fallback = new ValueHistogram();
		this.fallbackLatency.forEachLive(fallback::add);
		Middleware middleware = new Middleware();
		this.middleware.forEachLive(middleware::merge);
		Lengths lengths = new Lengths();
		this.lengths.forEachLive(lengths::merge);
		Cost recent = new Cost();
		this.recentCost.forEachLive(recent::merge);
		Cost baseline = new Cost();
		this.baselineCost.forEachLive(baseline::merge);

		Double primaryP95 = p95(primary);
		Double fallbackP95 = p95(fallback);
		Double primaryPerRequest = ratio(middleware.primaryEvaluations, middleware.primaryRequests);
		Double fallbackPerRequest = ratio(middleware.fallbackEvaluations, middleware.fallbackRequests);
		BigDecimal recentPerRequest = recent.perRequest();
		BigDecimal baselinePerRequest = baseline.perRequest();
		Map<String, OperationLengths> operations = lengths.byOperation();
		LengthStats pooled = lengths.pooled();
		Map.Entry<String, OperationLengths> leading = leadingOperation(operations);
		return new ChainSignalSnapshot(traffic.requests, traffic.fallback, traffic.failed,
				ratio(traffic.fallback, traffic.requests), primaryP95, fallbackP95, divide(fallbackP95, primaryP95),
				pooled.primaryMean(), pooled.fallbackMean(), (leading != null) ? leading.getValue().delta() : null,
				(leading != null) ? leading.getKey() : null, operations, recentPerRequest, baselinePerRequest,
				(recentPerRequest != null && baselinePerRequest != null && baselinePerRequest.signum() > 0)
						? recentPerRequest.divide(baselinePerRequest, MathContext.DECIMAL64).doubleValue() : null,
				primaryPerRequest, fallbackPerRequest,
				(primaryPerRequest != null && fallbackPerRequest != null && primaryPerRequest > 0)
						? fallbackPerRequest / primaryPerRequest - 1 : null,
				new ChainSignalSnapshot.Samples(traffic.requests, fallback.count(),
						(leading != null) ? leading.getValue().requests() : 0, recent.requests,
						middleware.primaryRequests + middleware.fallbackRequests));
	}

	/**
	 * The operation whose delta has the largest magnitude, the chain's output length
	 * delta: among the operations with {@code min-requests} served requests in the window
	 * if any, so that a rare operation's noisy delta cannot hide a busy one that drifts,
	 * else among all. Operations are compared one by one, never pooled or averaged, since
	 * a longer fallback on one operation and a shorter one on another would cancel out.
	 * {@code null} when no operation has a delta.
	 */
	private Map.@Nullable Entry<String, OperationLengths> leadingOperation(Map<String, OperationLengths> operations) {
		Map.Entry<String, OperationLengths> leading = null;
		double leadingDelta = 0;
		for (Map.Entry<String, OperationLengths> candidate : operations.entrySet()) {
			Double delta = candidate.getValue().delta();
			if (delta != null && (leading == null
					|| leads(candidate.getValue().requests(), delta, leading.getValue().requests(), leadingDelta))) {
				leading = candidate;
				leadingDelta = delta;
			}
		}
		return leading;
	}

	private boolean leads(long candidateRequests, double candidateDelta, long leadingRequests, double leadingDelta) {
		boolean candidateEnough = candidateRequests >= this.minRequests;
		boolean leadingEnough = leadingRequests >= this.minRequests;
		if (candidateEnough != leadingEnough) {
			return candidateEnough;
		}
		return Math.abs(candidateDelta) > Math.abs(leadingDelta);
	}

	private static @Nullable Double p95(ValueHistogram histogram) {
		return (histogram.count() == 0) ? null : (double) histogram.quantile(0.95);
	}

	private static @Nullable Double ratio(long part, long whole) {
		return (whole == 0) ? null : (double) part / whole;
	}

	private static @Nullable Double divide(@Nullable Double numerator, @Nullable Double denominator) {
		return (numerator == null || denominator == null || denominator == 0) ? null : numerator / denominator;
	}

	/** Requests by how they were served. */
	private static final class Traffic implements TimeBuckets.Bucket {

		long requests;

		long fallback;

		long failed;

		void add(ServedPath path) {
			this.requests++;
			if (path == ServedPath.FALLBACK) {
				this.fallback++;
			}
			else if (path == ServedPath.NONE) {
				this.failed++;
			}
		}

		void merge(Traffic other) {
			this.requests += other.requests;
			this.fallback += other.fallback;
			this.failed += other.failed;
		}

		@Override
		public void reset() {
			this.requests = 0;
			this.fallback = 0;
			this.failed = 0;
		}

	}

	/** Middleware evaluations and requests, by the path that served the request. */
	private static final class Middleware implements TimeBuckets.Bucket {

		long primaryRequests;

		long primaryEvaluations;

		long fallbackRequests;

		long fallbackEvaluations;

		void add(ServedPath path, int evaluations) {
			if (path == ServedPath.PRIMARY) {
				this.primaryRequests++;
				this.primaryEvaluations += evaluations;
			}
			else if (path == ServedPath.FALLBACK) {
				this.fallbackRequests++;
				this.fallbackEvaluations += evaluations;
			}
		}

		void merge(Middleware other) {
			this.primaryRequests += other.primaryRequests;
			this.primaryEvaluations += other.primaryEvaluations;
			this.fallbackRequests += other.fallbackRequests;
			this.fallbackEvaluations += other.fallbackEvaluations;
		}

		@Override
		public void reset() {
			this.primaryRequests = 0;
			this.primaryEvaluations = 0;
			this.fallbackRequests = 0;
			this.fallbackEvaluations = 0;
		}

	}

	/** Output-length sums and counts by path, per operation. */
	private static final class Lengths implements TimeBuckets.Bucket {

		final Map<String, LengthStats> operations = new HashMap<>();

		void add(String operation, ServedPath path, int length) {
			this.operations.computeIfAbsent(operation, (key) -> new LengthStats()).add(path, length);
		}

		void merge(Lengths other) {
			other.operations.forEach((operation,
					stats) -> this.operations.computeIfAbsent(operation, (key) -> new LengthStats()).merge(stats));
		}

		Map<String, OperationLengths> byOperation() {
			Map<String, OperationLengths> result = new TreeMap<>();
			this.operations.forEach((operation, stats) -> result.put(operation,
					new OperationLengths(stats.primaryMean(), stats.fallbackMean(), stats.delta(), stats.count())));
			return result;
		}

		LengthStats pooled() {
			LengthStats pooled = new LengthStats();
			this.operations.values().forEach(pooled::merge);
			return pooled;
		}

		@Override
		public void reset() {
			// Clearing keeps memory to the operations of the live buckets.
			this.operations.clear();
		}

	}

	private static final class LengthStats {

		long primaryChars;

		long primaryCount;

		long fallbackChars;

		long fallbackCount;

		void add(ServedPath path, int length) {
			if (path == ServedPath.PRIMARY) {
				this.primaryChars += length;
				this.primaryCount++;
			}
			else {
				this.fallbackChars += length;
				this.fallbackCount++;
			}
		}

		void merge(LengthStats other) {
			this.primaryChars += other.primaryChars;
			this.primaryCount += other.primaryCount;
			this.fallbackChars += other.fallbackChars;
			this.fallbackCount += other.fallbackCount;
		}

		@Nullable Double primaryMean() {
			return ratio(this.primaryChars, this.primaryCount);
		}

		@Nullable Double fallbackMean() {
			return ratio(this.fallbackChars, this.fallbackCount);
		}

		long count() {
			return this.primaryCount + this.fallbackCount;
		}

		@Nullable Double delta() {
			Double primary = primaryMean();
			Double fallback = fallbackMean();
			return (primary == null || fallback == null || primary == 0) ? null : (fallback - primary) / primary;
		}

	}

	private static final class Cost implements TimeBuckets.Bucket {

		BigDecimal total = BigDecimal.ZERO;

		long requests;

		void add(BigDecimal cost) {
			this.total = this.total.add(cost);
			this.requests++;
		}

		void merge(Cost other) {
			this.total = this.total.add(other.total);
			this.requests += other.requests;
		}

		@Nullable BigDecimal perRequest() {
			return (this.requests == 0) ? null
					: this.total.divide(BigDecimal.valueOf(this.requests), 10, RoundingMode.HALF_UP);
		}

		@Override
		public void reset() {
			this.total = BigDecimal.ZERO;
			this.requests = 0;
		}

	}

}
