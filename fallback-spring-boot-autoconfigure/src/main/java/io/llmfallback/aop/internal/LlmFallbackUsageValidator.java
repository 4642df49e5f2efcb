package io.llmfallback.aop.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.llmfallback.aop.InvalidLlmFallbackUsageException;
import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.FallbackChains;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every {@link LlmFallback} method of the application's beans once the context has
 * started: the chain is configured (or the {@code #parameter} exists), and the fallback
 * method can be found. A mistake fails start-up with one message naming every offending
 * method, instead of the first request.
 */
public final class LlmFallbackUsageValidator implements SmartInitializingSingleton {

	private final ListableBeanFactory beanFactory;

	private final FallbackChains chains;

	public LlmFallbackUsageValidator(ListableBeanFactory beanFactory, FallbackChains chains) {
		this.beanFactory = beanFactory;
		this.chains = chains;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> problems = new ArrayList<>();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type != null) {
				Class<?> userClass = ClassUtils.getUserClass(type);
				ReflectionUtils.doWithMethods(userClass, (method) -> check(userClass, method, problems),
						(method) -> method.isAnnotationPresent(LlmFallback.class));
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidLlmFallbackUsageException(problems.stream().distinct().toList());
		}
	}

	private void check(Class<?> userClass, Method method, List<String> problems) {
		LlmFallback annotation = AnnotatedElementUtils.findMergedAnnotation(method, LlmFallback.class);
		if (annotation == null) {
			return;
		}
		String where = userClass.getSimpleName() + "." + method.getName();
		String chain = annotation.chain();
		if (chain.startsWith("#")) {
			String parameter = chain.substring(1);
			boolean found = Arrays.stream(method.getParameters())
				.anyMatch((candidate) -> candidate.isNamePresent() && candidate.getName().equals(parameter)
						&& candidate.getType() == String.class);
			if (!found) {
				problems.add(where + ": chain \"" + chain + "\" names no String parameter '" + parameter + "' "
						+ "(parameters: " + Arrays.stream(method.getParameters()).map(Parameter::getName).toList()
						+ "; compile with -parameters)");
			}
		}
		else if (!this.chains.contains(chain)) {
			problems.add(where + ": no chain named '" + chain + "' under llm.fallback.chains");
		}
		if (!annotation.fallbackMethod().isEmpty()) {
			try {
				FallbackMethod.resolve(userClass, method, annotation.fallbackMethod());
			}
			catch (IllegalStateException ex) {
				problems.add(ex.getMessage());
			}
		}
	}

}
