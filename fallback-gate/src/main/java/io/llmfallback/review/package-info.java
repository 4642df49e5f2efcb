/**
 * The periodic review of a chain from its live traffic, as its report reads: the
 * compatibility gate's figures and per-dimension verdicts over a rolling window of what
 * the chain's providers did, and calibration hints for provider timeouts, the latency
 * budget and breaker failure windows.
 */
@NullMarked
package io.llmfallback.review;

import org.jspecify.annotations.NullMarked;
