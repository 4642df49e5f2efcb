/**
 * Internal: the seam through which the fallback-gate module serves the endpoint's gate
 * operations. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.actuate.internal;

import org.jspecify.annotations.NullMarked;
