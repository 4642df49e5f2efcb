/**
 * Alerts on the six fallback signals: {@link io.llmfallback.observe.AlertListener}
 * receives each {@link io.llmfallback.observe.AlertTransition}.
 */
@NullMarked
package io.llmfallback.observe;

import org.jspecify.annotations.NullMarked;
