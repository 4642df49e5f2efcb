package io.llmfallback.observe;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ServedPath;
import io.llmfallback.observe.ChainSignalSnapshot.OperationLengths;
import io.llmfallback.window.TimeBuckets;
import org.jspecify.annotations.Nullable;

/**
 * The rolling windows of one chain. Each window is a {@link TimeBuckets} of {@value #BUCKETS} buckets, so
 * memory is fixed per chain (and per operation for output lengths) whatever the traffic.
 */
final class ChainSignals {

	static final int BUCKETS = 60;

	private final TimeBuckets<Traffic> traffic;

	private final TimeBuckets<Latencies> fallbackLatency;

	private final TimeBuckets<Latencies> primaryLatency;

	private final TimeBuckets<Middleware> middleware;

	private final TimeBuckets<Lengths> lengths;

	private final TimeBuckets<Cost> recentCost;

	private final TimeBuckets<Cost> baselineCost;

	ChainSignals(AlertSettings settings, Clock clock) {
		this.traffic = new TimeBuckets<>(settings.activationRateWindow(), BUCKETS, clock, Traffic::new);
		this.fallbackLatency = new TimeBuckets<>(settings.fallbackP95Window(), BUCKETS, clock, Latencies::new);
		this.primaryLatency = new TimeBuckets<>(settings.primaryP95Baseline(), BUCKETS, clock, Latencies::new);
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
			this.primaryLatency.record((bucket) -> bucket.histogram.record(duration));
		}
		else if (path == ServedPath.FALLBACK) {
			this.fallbackLatency.record((bucket) -> bucket.histogram.record(duration));
		}
		if (path != ServedPath.NONE) {
			this.lengths.record((bucket) -> bucket.add(outcome.operation(), path, outcome.outputLength()));
		}
		BigDecimal cost = outcome.costUsd();
		this.recentCost.record((bucket) -> bucket.add(cost));
		this.baselineCost.record((bucket) -> bucket.add(cost));
	}

	ChainSignalSnapshot snapshot() {
		Traffic traffic = new Traffic();
		this.traffic.forEachLive(traffic::merge);
		Latencies primary = new Latencies();
		this.primaryLatency.forEachLive((bucket) -> primary.histogram.add(bucket.histogram));
		Latencies fallback = new Latencies();
		this.fallbackLatency.forEachLive((bucket) -> fallback.histogram.add(bucket.histogram));
		Middleware middleware = new Middleware();
		this.middleware.forEachLive(middleware::merge);
		Lengths lengths = new Lengths();
		this.lengths.forEachLive(lengths::merge);
		Cost recent = new Cost();
		this.recentCost.forEachLive(recent::merge);
		Cost baseline = new Cost();
		this.baselineCost.forEachLive(baseline::merge);

		Double primaryP95 = p95(primary.histogram);
		Double fallbackP95 = p95(fallback.histogram);
		Double primaryPerRequest = ratio(middleware.primaryEvaluations, middleware.primaryRequests);
		Double fallbackPerRequest = ratio(middleware.fallbackEvaluations, middleware.fallbackRequests);
		BigDecimal recentPerRequest = recent.perRequest();
		BigDecimal baselinePerRequest = baseline.perRequest();
		Map<String, OperationLengths> operations = lengths.byOperation();
		LengthStats pooled = lengths.pooled();
		return new ChainSignalSnapshot(traffic.requests, traffic.fallback, traffic.failed,
				ratio(traffic.fallback, traffic.requests), primaryP95, fallbackP95, divide(fallbackP95, primaryP95),
				pooled.primaryMean(), pooled.fallbackMean(), weightedDelta(lengths), operations, recentPerRequest,
				baselinePerRequest,
				(recentPerRequest != null && baselinePerRequest != null && baselinePerRequest.signum() > 0)
						? recentPerRequest.divide(baselinePerRequest, MathContext.DECIMAL64).doubleValue() : null,
				primaryPerRequest, fallbackPerRequest,
				(primaryPerRequest != null && fallbackPerRequest != null && primaryPerRequest > 0)
						? fallbackPerRequest / primaryPerRequest - 1 : null,
				new ChainSignalSnapshot.Samples(traffic.requests, fallback.histogram.count(), pooled.count(),
						recent.requests, middleware.primaryRequests + middleware.fallbackRequests));
	}

	private static @Nullable Double weightedDelta(Lengths lengths) {
		double weighted = 0;
		long weight = 0;
		for (LengthStats stats : lengths.operations.values()) {
			Double delta = stats.delta();
			if (delta != null) {
				weighted += delta * stats.fallbackCount;
				weight += stats.fallbackCount;
			}
		}
		return (weight == 0) ? null : weighted / weight;
	}

	private static @Nullable Double p95(LatencyHistogram histogram) {
		return (histogram.count() == 0) ? null : histogram.quantileMillis(0.95);
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

	private static final class Latencies implements TimeBuckets.Bucket {

		final LatencyHistogram histogram = new LatencyHistogram();

		@Override
		public void reset() {
			this.histogram.reset();
		}

	}

	/** Output-length sums and counts by path, per operation. */
	private static final class Lengths implements TimeBuckets.Bucket {

		final Map<String, LengthStats> operations = new HashMap<>();

		void add(String operation, ServedPath path, int length) {
			this.operations.computeIfAbsent(operation, (key) -> new LengthStats()).add(path, length);
		}

		void merge(Lengths other) {
			other.operations.forEach((operation, stats) -> this.operations
				.computeIfAbsent(operation, (key) -> new LengthStats())
				.merge(stats));
		}

		Map<String, OperationLengths> byOperation() {
			Map<String, OperationLengths> result = new TreeMap<>();
			this.operations.forEach((operation, stats) -> result.put(operation,
					new OperationLengths(stats.primaryMean(), stats.fallbackMean(), stats.delta())));
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
