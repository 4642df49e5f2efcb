/**
 * Internal: an OpenAI-compatible HTTP endpoint over the chains: chat completions, unary
 * and streamed, and the list of chains as models, in OpenAI's wire format.
 */
@NullMarked
package io.llmfallback.openaiapi.internal;

import org.jspecify.annotations.NullMarked;
