/** Fixed-size, time-bucketed rolling windows: memory that does not grow with traffic. */
@NullMarked
package io.llmfallback.window;

import org.jspecify.annotations.NullMarked;
