/**
 * The sample's chain middleware: an input guardrail that runs once per request, and a
 * prompt redaction that runs before every provider attempt, so it runs again on each
 * fallback (the sixth fallback signal).
 */
@NullMarked
package io.llmfallback.sample.middleware;

import org.jspecify.annotations.NullMarked;
