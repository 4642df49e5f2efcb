package io.llmfallback.sample.summary;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /summarize}.
 *
 * @param document the text to summarize; required
 */
record DocumentBody(@Nullable String document) {

}
