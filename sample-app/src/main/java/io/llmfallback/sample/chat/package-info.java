/**
 * {@code POST /chat/{chain}}: a prompt sent down any configured chain by an
 * {@code @LlmFallback} service, and {@code POST /chat/{chain}/stream}: its answer as
 * server-sent events.
 */
@NullMarked
package io.llmfallback.sample.chat;

import org.jspecify.annotations.NullMarked;
