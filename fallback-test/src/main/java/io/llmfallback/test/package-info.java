/**
 * The llm-fallback test kit: simulated LLM providers, real HTTP servers on loopback that
 * speak the OpenAI, Anthropic and Gemini wire formats, unary and streamed, with faults
 * (error statuses with the real error bodies, retry-after, latency, hangs, broken
 * streams) injected at run time, so that a team tests its chains end to end in its own
 * build, without API keys. {@link io.llmfallback.test.SimulatedProvider} is one provider,
 * {@link io.llmfallback.test.SimulatedProviders} several sharing event loops, and
 * {@link io.llmfallback.test.SimulatedProviderExtension} runs them for a JUnit 5 test
 * class.
 */
@NullMarked
package io.llmfallback.test;

import org.jspecify.annotations.NullMarked;
