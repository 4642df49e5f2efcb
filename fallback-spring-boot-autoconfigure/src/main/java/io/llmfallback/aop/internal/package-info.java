/**
 * Internal: the aspect that runs {@code @LlmFallback} methods through their chain, and
 * the start-up check of their signatures. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.aop.internal;

import org.jspecify.annotations.NullMarked;
