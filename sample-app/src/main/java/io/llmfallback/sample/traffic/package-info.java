/**
 * {@code POST /simulator/traffic}: drives a batch of requests through a chain, so that
 * the fallback signals can be watched moving without a load-test script.
 */
@NullMarked
package io.llmfallback.sample.traffic;

import org.jspecify.annotations.NullMarked;
