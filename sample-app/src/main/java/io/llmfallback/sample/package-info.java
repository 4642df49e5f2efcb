/**
 * The llm-fallback sample: a WebFlux app with chains over simulated OpenAI, Anthropic and
 * Gemini providers, or over the real OpenAI and Anthropic with the {@code real} profile.
 */
@NullMarked
package io.llmfallback.sample;

import org.jspecify.annotations.NullMarked;
