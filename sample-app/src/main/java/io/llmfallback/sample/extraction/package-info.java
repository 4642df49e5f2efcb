/**
 * {@code POST /extract}: a support ticket extracted into a typed record through the
 * {@code extract} chain, whose output contract and compatibility gate corpus ship with
 * the sample.
 */
@NullMarked
package io.llmfallback.sample.extraction;

import org.jspecify.annotations.NullMarked;
