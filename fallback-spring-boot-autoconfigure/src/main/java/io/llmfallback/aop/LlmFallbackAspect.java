package io.llmfallback.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.llmfallback.chain.ChainBinding;
import io.llmfallback.chain.ChainFailureException;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Binds the chain of an {@link LlmFallback} method to the calls it makes: in the Reactor context of a
 * returned {@code Mono} or {@code Flux}, and on the calling thread while the method runs (for blocking
 * methods, and for reactive ones that build their pipeline eagerly). Routes a chain failure to the
 * configured fallback method.
 */
@Aspect
public final class LlmFallbackAspect {

	private final Map<Method, FallbackMethod> fallbackMethods = new ConcurrentHashMap<>();

	@Around("@annotation(annotation)")
	public @Nullable Object bindChain(ProceedingJoinPoint joinPoint, LlmFallback annotation) throws Throwable {
		Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
		String operation = annotation.operation().isEmpty() ? method.getName() : annotation.operation();
		Object target = joinPoint.getTarget();
		Object[] arguments = joinPoint.getArgs();
		ChainBinding binding = new ChainBinding(chainName(annotation.chain(), joinPoint, arguments), operation);
		FallbackMethod fallback = annotation.fallbackMethod().isEmpty() ? null
				: this.fallbackMethods.computeIfAbsent(method,
						(key) -> FallbackMethod.resolve(target.getClass(), key, annotation.fallbackMethod()));
		Object result;
		try (ChainBinding.Scope scope = binding.open()) {
			result = joinPoint.proceed();
		}
		catch (ChainFailureException ex) {
			if (fallback == null) {
				throw ex;
			}
			return fallback.invoke(target, arguments, ex);
		}
		if (result instanceof Mono<?> mono) {
			Mono<Object> bound = mono.map(Object.class::cast);
			if (fallback != null) {
				bound = bound.onErrorResume(ChainFailureException.class,
						(ex) -> Mono.from(invokeReactive(fallback, target, arguments, ex)));
			}
			return bound.contextWrite((context) -> context.put(ChainBinding.CONTEXT_KEY, binding));
		}
		if (result instanceof Flux<?> flux) {
			Flux<Object> bound = flux.map(Object.class::cast);
			if (fallback != null) {
				bound = bound.onErrorResume(ChainFailureException.class,
						(ex) -> Flux.from(invokeReactive(fallback, target, arguments, ex)));
			}
			return bound.contextWrite((context) -> context.put(ChainBinding.CONTEXT_KEY, binding));
		}
		return result;
	}

	private static String chainName(String chain, ProceedingJoinPoint joinPoint, Object[] arguments) {
		if (!chain.startsWith("#")) {
			return chain;
		}
		String parameter = chain.substring(1);
		String[] names = ((MethodSignature) joinPoint.getSignature()).getParameterNames();
		for (int i = 0; names != null && i < names.length; i++) {
			if (names[i].equals(parameter) && arguments[i] instanceof String value) {
				return value;
			}
		}
		throw new IllegalStateException("@LlmFallback(chain = \"" + chain + "\") on "
				+ joinPoint.getSignature().toShortString() + " names no String parameter '" + parameter
				+ "' with a value (compile with -parameters)");
	}

	/** The fallback's publisher; its return type matches the annotated method's, as resolution checked. */
	private static Publisher<?> invokeReactive(FallbackMethod fallback, Object target, Object[] arguments,
			ChainFailureException failure) {
		try {
			Object value = fallback.invoke(target, arguments, failure);
			return (value instanceof Publisher<?> publisher) ? publisher
					: Mono.error(new IllegalStateException("The fallback method returned null", failure));
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

}
