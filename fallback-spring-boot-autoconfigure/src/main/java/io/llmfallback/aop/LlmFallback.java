package io.llmfallback.aop;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a chain to a method: every call the method makes through
 * {@link io.llmfallback.chain.LlmClient} goes down that chain, under the method's name as
 * the operation. Works for methods returning {@code Mono}, {@code Flux} or a plain value.
 * <p>
 * When the chain ends without a response
 * ({@link io.llmfallback.chain.ChainFailureException}) and {@link #fallbackMethod()} is
 * set, that method of the same bean supplies the result: it takes the same parameters,
 * optionally followed by a {@code Throwable} (or {@code ChainFailureException}), and
 * returns the same type.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LlmFallback {

	/**
	 * The chain's name under {@code llm.fallback.chains}, or {@code #parameter} to take
	 * it from the named parameter of the method at each call (e.g.
	 * {@code chain = "#chain"} on {@code chat(String chain, ...)}).
	 */
	String chain();

	/**
	 * A method of the same bean that degrades gracefully when the chain is exhausted;
	 * empty for none.
	 */
	String fallbackMethod() default "";

	/** The operation name in meters and spans; the method's name when empty. */
	String operation() default "";

}
