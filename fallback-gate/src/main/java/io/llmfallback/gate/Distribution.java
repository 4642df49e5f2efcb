package io.llmfallback.gate;

/**
 * A summary of measured values, read from a histogram: the count, mean, smallest and
 * largest are exact; percentiles are nearest-rank, exact below 64 and at most about 3%
 * above the value measured beyond, never above the largest.
 *
 * @param count how many values
 * @param mean their mean, to two decimals
 * @param p50 the median (nearest rank)
 * @param p95 the 95th percentile (nearest rank)
 * @param min the smallest
 * @param max the largest
 */
public record Distribution(int count, double mean, double p50, double p95, double min, double max) {

}
