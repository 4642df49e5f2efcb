/**
 * The {@code @LlmFallback} annotation, which binds a chain to a method, and the failure a
 * misused one raises at start-up.
 */
@NullMarked
package io.llmfallback.aop;

import org.jspecify.annotations.NullMarked;
