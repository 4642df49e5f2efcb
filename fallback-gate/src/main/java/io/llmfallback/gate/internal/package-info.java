/**
 * Internal: the gate's runs per chain, their outcomes as the runtime's validations, and
 * the judging of a fallback against the primary. Not API: types here change without
 * notice.
 */
@NullMarked
package io.llmfallback.gate.internal;

import org.jspecify.annotations.NullMarked;
