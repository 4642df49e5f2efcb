/**
 * The provider SPI: {@link io.llmfallback.provider.LlmProvider}, the failure it throws
 * ({@link io.llmfallback.provider.ProviderException}) and the wire protocols the library
 * speaks ({@link io.llmfallback.provider.ProviderType}).
 */
@NullMarked
package io.llmfallback.provider;

import org.jspecify.annotations.NullMarked;
