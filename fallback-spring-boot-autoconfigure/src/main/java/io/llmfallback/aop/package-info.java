/**
 * The {@code @LlmFallback} annotation and the Spring AOP interceptor that binds a chain
 * to a method.
 */
@NullMarked
package io.llmfallback.aop;

import org.jspecify.annotations.NullMarked;
