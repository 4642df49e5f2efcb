/** Pricing tables and the cost of a call. */
@NullMarked
package io.llmfallback.cost;

import org.jspecify.annotations.NullMarked;
