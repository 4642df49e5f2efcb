/**
 * Internal: one reactive WebClient implementation per wire protocol, each mapping its
 * errors onto {@link io.llmfallback.model.FailureCategory}. Not API: types here change
 * without notice.
 */
@NullMarked
package io.llmfallback.provider.internal;

import org.jspecify.annotations.NullMarked;
