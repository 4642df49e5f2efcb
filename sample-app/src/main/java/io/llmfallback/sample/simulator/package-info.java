/**
 * Simulated LLM providers: real HTTP servers on loopback that speak the OpenAI, Anthropic and Gemini wire
 * formats, with faults (error statuses, latency, hangs, broken streams) injected at run time, so the sample
 * runs without API keys.
 */
@NullMarked
package io.llmfallback.sample.simulator;

import org.jspecify.annotations.NullMarked;
