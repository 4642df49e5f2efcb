/**
 * Calling a chain and hearing about it: {@link io.llmfallback.chain.FallbackChain},
 * {@link io.llmfallback.chain.FallbackChains} and {@link io.llmfallback.chain.LlmClient};
 * the response and its attempts; the typed failures; the extension points (middleware,
 * listeners, observation conventions); and a chain's configuration as it reports it.
 */
@NullMarked
package io.llmfallback.chain;

import org.jspecify.annotations.NullMarked;
