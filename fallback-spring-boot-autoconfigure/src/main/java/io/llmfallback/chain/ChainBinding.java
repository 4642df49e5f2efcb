package io.llmfallback.chain;

import org.jspecify.annotations.Nullable;

/**
 * Which chain, and under which operation name, the calls of an {@code @LlmFallback}
 * method go through. Blocking code finds it in a thread-local; reactive code in the
 * Reactor context under {@link #CONTEXT_KEY}.
 *
 * @param chain the chain's name
 * @param operation the operation name (by default the annotated method's name)
 */
public record ChainBinding(String chain, String operation) {

	/** The Reactor context key a binding is stored under. */
	public static final Class<ChainBinding> CONTEXT_KEY = ChainBinding.class;

	private static final ThreadLocal<ChainBinding> CURRENT = new ThreadLocal<>();

	/** The binding of the calling thread, or {@code null}. */
	public static @Nullable ChainBinding current() {
		return CURRENT.get();
	}

	/**
	 * Makes this binding the calling thread's until the returned scope is closed, which
	 * restores the previous one.
	 */
	public Scope open() {
		ChainBinding previous = CURRENT.get();
		CURRENT.set(this);
		return () -> {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		};
	}

	/** Ends a thread-local binding. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
