package io.llmfallback.springai.internal;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Reads a getter of a class that is the application's dependency, not the starter's: a
 * Spring AI model's own options, the SDK under it and its exceptions.
 */
final class ReflectiveGetters {

	private ReflectiveGetters() {
	}

	/**
	 * The text of the value in the {@code Optional} the public no-argument method of that
	 * name returns, or {@code null} when it is empty, or as for {@link #intValue}.
	 */
	static @Nullable String optionalText(Object target, String getter) {
		try {
			Object value = target.getClass().getMethod(getter).invoke(target);
			return (value instanceof Optional<?> optional) ? optional.map(Object::toString).orElse(null) : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The int the public no-argument method of that name returns, or {@code null} when
	 * the target has none, it returns no int, or it cannot be called.
	 */
	static @Nullable Integer intValue(Object target, String getter) {
		try {
			Object value = target.getClass().getMethod(getter).invoke(target);
			return (value instanceof Integer number) ? number : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
