package io.llmfallback.aop.internal;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.internal.ChainBinding;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Binds the chain of an {@link LlmFallback} method to the calls it makes, and routes a
 * chain failure to the configured fallback method. A method declared to return a
 * {@code Mono} or {@code Flux} has its chain in the Reactor context of the publisher it
 * returns, and there only: a pipeline it assembles but does not return is bound to no
 * chain. Any other method has its chain on the calling thread while it runs (see
 * {@link ChainBinding#open()} for why that one path needs a thread-local).
 * <p>
 * A plain Spring AOP interceptor, applied by {@link LlmFallbackAdvisingPostProcessor} as
 * Spring applies {@code @Async}: spring-aop is in every Spring application, so the
 * annotation needs no AspectJ.
 */
public final class LlmFallbackAspect implements MethodInterceptor {

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private final Map<Method, FallbackMethod> fallbackMethods = new ConcurrentHashMap<>();

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		// The annotated method of the target's class, also when the proxy was called
		// through an interface.
		Method method = (target != null)
				? AopUtils.getMostSpecificMethod(invocation.getMethod(), AopUtils.getTargetClass(target))
				: invocation.getMethod();
		LlmFallback annotation = AnnotatedElementUtils.findMergedAnnotation(method, LlmFallback.class);
		if (target == null || annotation == null) {
			return invocation.proceed();
		}
		String operation = annotation.operation().isEmpty() ? method.getName() : annotation.operation();
		Object[] arguments = invocation.getArguments();
		ChainBinding binding = new ChainBinding(chainName(annotation.chain(), method, arguments), operation);
		FallbackMethod fallback = annotation.fallbackMethod().isEmpty() ? null : this.fallbackMethods.computeIfAbsent(
				method, (key) -> FallbackMethod.resolve(target.getClass(), key, annotation.fallbackMethod()));
		Object result;
		try {
			result = isReactive(method) ? invocation.proceed() : proceedBound(invocation, binding);
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

	/**
	 * Whether the method returns a publisher the binding can travel with: the Reactor
	 * context reaches every call of its pipeline, on whichever thread it runs.
	 */
	private static boolean isReactive(Method method) {
		Class<?> type = method.getReturnType();
		return Mono.class.isAssignableFrom(type) || Flux.class.isAssignableFrom(type);
	}

	private static @Nullable Object proceedBound(MethodInvocation invocation, ChainBinding binding) throws Throwable {
		try (ChainBinding.Scope scope = binding.open()) {
			return invocation.proceed();
		}
	}

	private static String chainName(String chain, Method method, Object[] arguments) {
		if (!chain.startsWith("#")) {
			return chain;
		}
		String parameter = chain.substring(1);
		String[] names = PARAMETER_NAMES.getParameterNames(method);
		for (int i = 0; names != null && i < names.length; i++) {
			if (names[i].equals(parameter) && arguments[i] instanceof String value) {
				return value;
			}
		}
		throw new IllegalStateException("@LlmFallback(chain = \"" + chain + "\") on "
				+ method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ "(..) names no String parameter '" + parameter + "' with a value (compile with -parameters)");
	}

	/**
	 * The fallback's publisher; its return type matches the annotated method's, as
	 * resolution checked.
	 */
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
