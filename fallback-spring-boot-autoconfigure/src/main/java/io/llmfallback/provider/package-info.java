/**
 * One reactive WebClient implementation per wire protocol, each mapping its errors onto
 * {@link io.llmfallback.model.FailureCategory}.
 */
@NullMarked
package io.llmfallback.provider;

import org.jspecify.annotations.NullMarked;
