/** {@code POST /chat/{chain}}: a prompt sent down any configured chain by an {@code @LlmFallback} service. */
@NullMarked
package io.llmfallback.sample.chat;

import org.jspecify.annotations.NullMarked;
