/**
 * Internal: the checks that make a chain's answers look alike whichever provider serves
 * them. Not API: types here change without notice.
 */
@NullMarked
package io.llmfallback.contract.internal;

import org.jspecify.annotations.NullMarked;
