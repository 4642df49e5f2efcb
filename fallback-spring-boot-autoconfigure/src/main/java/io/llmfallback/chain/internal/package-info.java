/**
 * Internal: a chain's implementation: the attempt loop in named steps, the breakers and
 * onset guards of its providers, its budgets and spend guard. Not API: types here change
 * without notice.
 */
@NullMarked
package io.llmfallback.chain.internal;

import org.jspecify.annotations.NullMarked;
