package io.llmfallback.chain.internal;

import io.llmfallback.chain.LlmClient;
import org.jspecify.annotations.Nullable;

/**
 * Which chain, and under which operation name, the calls of an {@code @LlmFallback}
 * method go through. A method returning {@code Mono} or {@code Flux} carries it in the
 * Reactor context of its publisher, under {@link #CONTEXT_KEY}; a blocking method on its
 * thread, through {@link #open()}.
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
	 * restores the previous one. Only for blocking methods: their body calls
	 * {@link LlmClient#call} with the request alone (the annotation's point is a body
	 * that names no chain), and that call subscribes with an empty Reactor context, so
	 * the thread that runs the method is the one thing it shares with the binding.
	 * Reactive methods never open one: their binding travels in the Reactor context.
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
