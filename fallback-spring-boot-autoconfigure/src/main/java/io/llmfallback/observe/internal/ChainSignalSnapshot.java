package io.llmfallback.observe.internal;

import java.math.BigDecimal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The fallback signals of one chain at one moment, each over its rolling window. A value
 * is {@code null} when its window holds no data to compute it from.
 *
 * @param windowRequests logical requests in the activation-rate window
 * @param windowFallbackActivations of those, the ones a fallback served
 * @param windowFailures of those, the ones that ended without a response
 * @param activationRate windowFallbackActivations / windowRequests
 * @param primaryP95Ms P95 latency of primary-served requests over the baseline window
 * @param fallbackP95Ms P95 latency of fallback-served requests over its window
 * @param fallbackP95Ratio fallbackP95Ms / primaryP95Ms
 * @param primaryMeanOutputLength mean characters of primary-served output over the length
 * window
 * @param fallbackMeanOutputLength mean characters of fallback-served output over the
 * length window
 * @param outputLengthDelta the output length delta of {@code outputLengthOperation}: the
 * operation whose delta has the largest magnitude, among those with {@code min-requests}
 * served requests in the window if any
 * @param outputLengthOperation the operation {@code outputLengthDelta} comes from
 * @param operations the output lengths per operation
 * @param blendedCostPerRequestUsd cost of every billed attempt over logical requests,
 * recent window
 * @param baselineCostPerRequestUsd the same over the baseline window
 * @param blendedCostRatio blendedCostPerRequestUsd / baselineCostPerRequestUsd
 * @param primaryMiddlewarePerRequest middleware evaluations per primary-served request
 * @param fallbackMiddlewarePerRequest middleware evaluations per fallback-served request
 * @param middlewareOverhead fallbackMiddlewarePerRequest / primaryMiddlewarePerRequest -
 * 1
 * @param samples how many logical requests each signal's window holds
 */
public record ChainSignalSnapshot(long windowRequests, long windowFallbackActivations, long windowFailures,
		@Nullable Double activationRate, @Nullable Double primaryP95Ms, @Nullable Double fallbackP95Ms,
		@Nullable Double fallbackP95Ratio, @Nullable Double primaryMeanOutputLength,
		@Nullable Double fallbackMeanOutputLength, @Nullable Double outputLengthDelta,
		@Nullable String outputLengthOperation, Map<String, OperationLengths> operations,
		@Nullable BigDecimal blendedCostPerRequestUsd, @Nullable BigDecimal baselineCostPerRequestUsd,
		@Nullable Double blendedCostRatio, @Nullable Double primaryMiddlewarePerRequest,
		@Nullable Double fallbackMiddlewarePerRequest, @Nullable Double middlewareOverhead, Samples samples) {

	/**
	 * Logical requests in each signal's own window; an alert may fire only when its
	 * window holds enough.
	 *
	 * @param activationRate requests in the activation-rate window
	 * @param fallbackP95 fallback-served requests in the fallback P95 window
	 * @param outputLength served requests of {@code outputLengthOperation} in the
	 * output-length window
	 * @param blendedCost requests in the recent cost window
	 * @param middleware served requests in the middleware window
	 */
	public record Samples(long activationRate, long fallbackP95, long outputLength, long blendedCost, long middleware) {

	}

	/**
	 * Output lengths of one operation.
	 *
	 * @param primaryMean mean characters served by the primary
	 * @param fallbackMean mean characters served by a fallback
	 * @param delta (fallbackMean - primaryMean) / primaryMean
	 * @param requests served requests of the operation in the window
	 */
	public record OperationLengths(@Nullable Double primaryMean, @Nullable Double fallbackMean, @Nullable Double delta,
			long requests) {

	}

}
