/**
 * Internal: fixed-size, time-bucketed rolling windows and the one histogram type: memory
 * that does not grow with traffic. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.window.internal;

import org.jspecify.annotations.NullMarked;
