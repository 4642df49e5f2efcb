package io.llmfallback.autoconfigure.internal;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Properties a module binds under {@code llm.fallback}, so that the check of every key
 * written there (a key naming nothing fails start-up) knows them. A module lists its
 * implementation in {@code META-INF/spring.factories} under this interface's name; the
 * fallback-gate module is one.
 */
public interface LlmFallbackPropertiesExtension {

	/**
	 * The module's properties classes by the key below {@code llm.fallback} that each
	 * binds, e.g. {@code gate}.
	 */
	Map<String, Class<?>> properties();

	/**
	 * A class whose properties every chain entry takes as well
	 * ({@code llm.fallback.chains.<name>.*}), or {@code null} when the module adds none.
	 */
	@Nullable Class<?> chainProperties();

}
