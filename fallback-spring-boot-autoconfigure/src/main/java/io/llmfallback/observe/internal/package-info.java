/**
 * Internal: the six fallback signals computed in-process over fixed-size rolling windows,
 * and the Micrometer meters. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.observe.internal;

import org.jspecify.annotations.NullMarked;
