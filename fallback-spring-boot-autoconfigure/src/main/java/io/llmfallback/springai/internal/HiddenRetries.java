package io.llmfallback.springai.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retries a Spring AI model would make inside one call, which would hide calls,
 * backoff and failures from the chain's breaker, budget and meters. Spring AI 2.0's
 * models retry in one of two ways: with the {@link RetryTemplate} they were built with
 * (Google GenAI's, and models built on Spring's HTTP clients), which Spring AI's retry
 * auto-configuration makes from {@code spring.ai.retry.*}; or through the official SDK
 * client under them (OpenAI's and Anthropic's), as often as the client was built to. Both
 * are read from the model bean itself (behind a Spring proxy, and behind a decorator that
 * holds the model it decorates), so that an application keeps the retries of the models
 * the chains do not call. Other ways to retry go unseen.
 */
public final class HiddenRetries {

	private static final Log logger = LogFactory.getLog(HiddenRetries.class);

	/**
	 * The class of the settings the official OpenAI and Anthropic SDK clients keep, whose
	 * {@code maxRetries()} is how often the client retries a failed call.
	 */
	private static final String SDK_CLIENT_OPTIONS = "ClientOptions";

	/** How deep decorators are followed: a model that wraps a model that wraps one. */
	private static final int MAX_DECORATORS = 3;

	private HiddenRetries() {
	}

	/**
	 * What the model does to retry and how to stop it, as the end of a sentence about it,
	 * or {@code null} when it makes no retry the starter can see.
	 * @param beanName the model's bean name, for the warning when its parts cannot be
	 * read
	 */
	public static @Nullable String of(ChatModel model, String beanName) {
		List<Object> parts = new ArrayList<>();
		collect(model, beanName, MAX_DECORATORS, parts);
		if (parts.stream().anyMatch(HiddenRetries::retries)) {
			return "retries with its RetryTemplate inside each attempt: give it a template that makes no retry "
					+ "(the one Spring AI's retry auto-configuration makes, for every model that takes it, with "
					+ "spring.ai.retry.max-attempts=0)";
		}
		for (Object part : parts) {
			SdkClient client = sdkClient(part);
			if (client != null && client.maxRetries() > 0) {
				return "lets its SDK client retry up to " + client.maxRetries()
						+ " times inside each attempt: build the client with maxRetries 0" + client.hint();
			}
		}
		return null;
	}

	/**
	 * The parts of the model: the values of its fields, and those of the models it
	 * decorates; a Spring proxy's target stands for it.
	 */
	private static void collect(Object model, String beanName, int decorators, List<Object> parts) {
		Object target = model;
		for (Object next = AopProxyUtils.getSingletonTarget(target); next != null; next = AopProxyUtils
			.getSingletonTarget(target)) {
			target = next;
		}
		List<Object> values = fieldValues(target);
		if (values == null) {
			logger.warn("Cannot read the parts of Spring AI model bean '" + beanName + "' ("
					+ target.getClass().getName() + "), so cannot tell whether it retries inside each call; "
					+ "make sure it does not, the chain retries and falls over itself");
			return;
		}
		for (Object value : values) {
			parts.add(value);
			if (value instanceof ChatModel decorated && decorators > 0) {
				collect(decorated, beanName, decorators - 1, parts);
			}
		}
	}

	/**
	 * Whether a {@code RetryTemplate} would retry once at least: its policy's backoff
	 * does not stop at once. Spring AI's templates count their retries in that backoff
	 * ({@code ExponentialBackOff}), whose executions are each new.
	 */
	private static boolean retries(Object part) {
		return part instanceof RetryTemplate template
				&& template.getRetryPolicy().getBackOff().start().nextBackOff() != BackOffExecution.STOP;
	}

	/** The settings an official SDK client keeps, or {@code null} for anything else. */
	private static @Nullable SdkClient sdkClient(Object part) {
		for (Class<?> type = part.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (field.getType().getSimpleName().equals(SDK_CLIENT_OPTIONS)) {
					Object options = read(part, field);
					Integer maxRetries = (options != null) ? ReflectiveGetters.intValue(options, "maxRetries") : null;
					if (maxRetries != null) {
						return new SdkClient(field.getType().getName(), maxRetries);
					}
				}
			}
		}
		return null;
	}

	/**
	 * The values of the target's instance fields, its superclasses' included, or
	 * {@code null} when one cannot be read (a class in a module that does not open its
	 * package, a JDK proxy).
	 */
	private static @Nullable List<Object> fieldValues(Object target) {
		List<Object> values = new ArrayList<>();
		for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers())) {
					continue;
				}
				if (!field.trySetAccessible()) {
					return null;
				}
				Object value = read(target, field);
				if (value != null) {
					values.add(value);
				}
			}
		}
		return values;
	}

	private static @Nullable Object read(Object target, Field field) {
		try {
			return field.trySetAccessible() ? field.get(target) : null;
		}
		catch (IllegalAccessException ex) {
			return null;
		}
	}

	/**
	 * An SDK client's settings: the class that holds them names the SDK.
	 */
	private record SdkClient(String optionsClass, int maxRetries) {

		/** How to build it without retries where Spring AI's starter builds it. */
		String hint() {
			return this.optionsClass.startsWith("com.openai.")
					? " (for Spring AI's OpenAI starter, set spring.ai.openai.chat.max-retries=0)" : "";
		}

	}

}
