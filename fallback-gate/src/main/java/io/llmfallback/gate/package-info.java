/**
 * The compatibility gate: replays a prompt corpus through a chain's primary and each of
 * its fallbacks, measures what each answers (length distribution, JSON schema compliance,
 * field coverage, failures, latency, tokens and cost), and judges every fallback against
 * the primary within configurable tolerances. Knows nothing of Spring Boot: this module's
 * auto-configuration wires it as an actuator operation, a start-up and a command-line
 * run, and tests call it directly through {@link io.llmfallback.gate.CompatibilityGate}
 * and {@link io.llmfallback.gate.GateAssertions}.
 */
@NullMarked
package io.llmfallback.gate;

import org.jspecify.annotations.NullMarked;
