/**
 * Auto-configuration of the compatibility gate and the periodic review: their properties,
 * the start-up and command-line runs, and what they add to the runtime's actuator
 * endpoint and health indicator.
 */
@NullMarked
package io.llmfallback.gate.autoconfigure;

import org.jspecify.annotations.NullMarked;
