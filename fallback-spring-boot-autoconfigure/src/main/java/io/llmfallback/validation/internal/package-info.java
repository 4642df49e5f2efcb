/**
 * Internal: whether a chain's fallbacks are known to be semantically safe: the read view
 * of the compatibility gate's outcomes, which the fallback-gate module implements. Knows
 * nothing of Spring Boot.
 */
@NullMarked
package io.llmfallback.validation.internal;

import org.jspecify.annotations.NullMarked;
