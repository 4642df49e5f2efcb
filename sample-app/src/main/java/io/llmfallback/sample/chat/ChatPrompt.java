package io.llmfallback.sample.chat;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /chat/{chain}}.
 *
 * @param prompt the user's message; required
 * @param maxTokens the cap on output tokens; each provider's default when absent
 */
record ChatPrompt(@Nullable String prompt, @Nullable Integer maxTokens) {

}
