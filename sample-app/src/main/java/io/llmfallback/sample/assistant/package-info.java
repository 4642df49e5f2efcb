/**
 * {@code POST /assistant}: a Spring AI {@code ChatClient} over the {@code assistant}
 * chain, with a tool it calls through whichever provider serves.
 */
@NullMarked
package io.llmfallback.sample.assistant;

import org.jspecify.annotations.NullMarked;
