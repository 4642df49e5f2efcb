/**
 * The six fallback signals computed in-process over fixed-size rolling windows, their
 * alerts, Micrometer meters and Observation-based tracing conventions (OpenTelemetry
 * GenAI).
 */
@NullMarked
package io.llmfallback.observe;

import org.jspecify.annotations.NullMarked;
