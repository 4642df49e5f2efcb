/**
 * The chain executor: attempt plan, deadline budget, fallback triggers, per-provider
 * circuit breakers and token caps.
 */
@NullMarked
package io.llmfallback.chain;

import org.jspecify.annotations.NullMarked;
