/**
 * Normalized, provider-agnostic chat model: requests, responses, token usage and the
 * failure taxonomy.
 */
@NullMarked
package io.llmfallback.model;

import org.jspecify.annotations.NullMarked;
