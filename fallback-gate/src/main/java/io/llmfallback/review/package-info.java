/**
 * The periodic review of a chain from its live traffic: the compatibility gate's figures
 * and per-dimension verdicts over a rolling window of what the chain's providers did, and
 * calibration hints for provider timeouts, the latency budget and breaker failure
 * windows. Knows nothing of Spring Boot: this module's auto-configuration registers
 * {@link io.llmfallback.review.TrafficReview} as a chain listener and serves its report
 * from the runtime's actuator endpoint.
 */
@NullMarked
package io.llmfallback.review;

import org.jspecify.annotations.NullMarked;
