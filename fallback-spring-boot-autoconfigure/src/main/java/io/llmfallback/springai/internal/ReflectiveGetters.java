package io.llmfallback.springai.internal;

import org.jspecify.annotations.Nullable;

/**
 * Reads a getter of a class that is the application's dependency, not the starter's: a
 * Spring AI model's own options, the exception of the SDK under it.
 */
final class ReflectiveGetters {

	private ReflectiveGetters() {
	}

	/** Whether the target has a public no-argument method of that name. */
	static boolean has(Object target, String getter) {
		try {
			target.getClass().getMethod(getter);
			return true;
		}
		catch (NoSuchMethodException ex) {
			return false;
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
