/**
 * Internal: what the tables of well-known models share. Not API: types here change
 * without notice.
 */
@NullMarked
package io.llmfallback.model.internal;

import org.jspecify.annotations.NullMarked;
