package io.llmfallback.aop.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainFailureException;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The degradation method named by {@link LlmFallback#fallbackMethod()}, found once per
 * annotated method.
 */
final class FallbackMethod {

	private final Method method;

	private final boolean takesFailure;

	private FallbackMethod(Method method, boolean takesFailure) {
		this.method = method;
		this.takesFailure = takesFailure;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Finds the fallback method of the annotated one: same name as configured, same
	 * parameters with an optional trailing {@code Throwable}, a compatible return type.
	 * @throws IllegalStateException describing what was looked for when there is no such
	 * method
	 */
	static FallbackMethod resolve(Class<?> targetClass, Method annotated, String name) {
		Class<?>[] parameters = annotated.getParameterTypes();
		Class<?>[] withFailure = Arrays.copyOf(parameters, parameters.length + 1);
		for (Method candidate : ReflectionUtils.getAllDeclaredMethods(targetClass)) {
			if (!candidate.getName().equals(name)
					|| !ClassUtils.isAssignable(annotated.getReturnType(), candidate.getReturnType())) {
				continue;
			}
			Class<?>[] types = candidate.getParameterTypes();
			if (Arrays.equals(types, parameters)) {
				return new FallbackMethod(candidate, false);
			}
			withFailure[parameters.length] = (types.length == withFailure.length) ? types[parameters.length]
					: Throwable.class;
			if (Arrays.equals(types, withFailure)
					&& types[parameters.length].isAssignableFrom(ChainFailureException.class)) {
				return new FallbackMethod(candidate, true);
			}
		}
		throw new IllegalStateException("@LlmFallback on " + annotated.getDeclaringClass().getSimpleName() + "."
				+ annotated.getName() + " names fallbackMethod '" + name + "', but " + targetClass.getName()
				+ " has no method " + name + "(" + describe(parameters) + "[, Throwable]) returning "
				+ annotated.getReturnType().getSimpleName());
	}

	Object invoke(Object target, Object[] arguments, ChainFailureException failure) throws Throwable {
		Object[] actual = arguments;
		if (this.takesFailure) {
			actual = Arrays.copyOf(arguments, arguments.length + 1);
			actual[arguments.length] = failure;
		}
		try {
			return this.method.invoke(target, actual);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private static String describe(Class<?>[] types) {
		return String.join(", ", Arrays.stream(types).map(Class::getSimpleName).toList());
	}

}
