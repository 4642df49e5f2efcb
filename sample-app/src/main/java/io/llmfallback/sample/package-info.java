/**
 * The llm-fallback sample: a WebFlux app with chains over simulated OpenAI and Anthropic providers, or over
 * the real ones with the {@code real} profile.
 */
@NullMarked
package io.llmfallback.sample;

import org.jspecify.annotations.NullMarked;
