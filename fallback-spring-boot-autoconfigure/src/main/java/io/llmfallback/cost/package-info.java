/**
 * What a provider costs: {@link io.llmfallback.cost.Pricing}, per million tokens.
 */
@NullMarked
package io.llmfallback.cost;

import org.jspecify.annotations.NullMarked;
