/**
 * The sample's simulated providers, from the test kit ({@code io.llmfallback.test}):
 * started before the context binds {@code llm.fallback.*}, so the sample runs without API
 * keys, and broken at run time over {@code /simulator}.
 */
@NullMarked
package io.llmfallback.sample.simulator;

import org.jspecify.annotations.NullMarked;
