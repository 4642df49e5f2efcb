/**
 * Internal: the review's tallies over the rolling window. Knows nothing of Spring Boot:
 * this module's auto-configuration registers
 * {@link io.llmfallback.review.internal.TrafficReview} as a chain listener and serves its
 * report from the runtime's actuator endpoint. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.review.internal;

import org.jspecify.annotations.NullMarked;
