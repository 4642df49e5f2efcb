/**
 * {@code POST /summarize}: a typed, provider-agnostic service on the {@code summarize}
 * chain that degrades to a static answer when every provider fails.
 */
@NullMarked
package io.llmfallback.sample.summary;

import org.jspecify.annotations.NullMarked;
