/**
 * Internal: pricing tables and the cost of a call. Not API: types here change without
 * notice.
 */
@NullMarked
package io.llmfallback.cost.internal;

import org.jspecify.annotations.NullMarked;
