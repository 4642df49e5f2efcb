package io.llmfallback.springai.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retries a Spring AI model would make inside one call, which would hide calls,
 * backoff and failures from the chain's breaker, budget and meters. Spring AI 2.0's
 * models retry in one of two ways: with the {@link RetryTemplate} they were built with
 * (Google GenAI's, and models built on Spring's HTTP clients), which Spring AI's retry
 * auto-configuration makes from {@code spring.ai.retry.*}; or through the official SDK
 * client under them (OpenAI's and Anthropic's), as often as the client was built to. Both
 * are read from the model bean itself, so that an application keeps Spring AI's retries
 * for the models the chains do not call.
 */
public final class HiddenRetries {

	/**
	 * The class of the settings the official OpenAI and Anthropic SDK clients keep, whose
	 * {@code maxRetries()} is how often the client retries a failed call.
	 */
	private static final String SDK_CLIENT_OPTIONS = "ClientOptions";

	private HiddenRetries() {
	}

	/**
	 * What the model does to retry and how to stop it, as the end of a sentence about it,
	 * or {@code null} when it makes no retry.
	 */
	public static @Nullable String of(ChatModel model) {
		List<Object> parts = fieldValues(model);
		if (parts.stream().anyMatch(HiddenRetries::retries)) {
			return "retries with its RetryTemplate inside each attempt: give it a template that makes no retry "
					+ "(for the one Spring AI's retry auto-configuration makes, set spring.ai.retry.max-attempts=0)";
		}
		int clientRetries = 0;
		for (Object part : parts) {
			clientRetries = Math.max(clientRetries, sdkClientRetries(part));
		}
		if (clientRetries > 0) {
			return "lets its SDK client retry up to " + clientRetries
					+ " times inside each attempt: build the client with maxRetries 0 "
					+ "(for Spring AI's OpenAI starter, set spring.ai.openai.chat.max-retries=0)";
		}
		return null;
	}

	/**
	 * Whether a {@code RetryTemplate} would retry once at least: its policy's backoff
	 * does not stop at once. Spring AI's templates count their retries in that backoff.
	 */
	private static boolean retries(Object part) {
		return part instanceof RetryTemplate template
				&& template.getRetryPolicy().getBackOff().start().nextBackOff() != BackOffExecution.STOP;
	}

	/**
	 * How often an SDK client retries, as the settings it keeps say, or 0 for anything
	 * else.
	 */
	private static int sdkClientRetries(Object part) {
		int retries = 0;
		for (Class<?> type = part.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (field.getType().getSimpleName().equals(SDK_CLIENT_OPTIONS)) {
					Object options = read(part, field);
					Integer maxRetries = (options != null) ? ReflectiveGetters.intValue(options, "maxRetries") : null;
					retries = Math.max(retries, (maxRetries != null) ? maxRetries : 0);
				}
			}
		}
		return retries;
	}

	/** The values of the target's instance fields, its superclasses' included. */
	private static List<Object> fieldValues(Object target) {
		List<Object> values = new ArrayList<>();
		for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				Object value = Modifier.isStatic(field.getModifiers()) ? null : read(target, field);
				if (value != null) {
					values.add(value);
				}
			}
		}
		return values;
	}

	private static @Nullable Object read(Object target, Field field) {
		try {
			field.setAccessible(true);
			return field.get(target);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// A class in a module that does not open its package: nothing to read.
			return null;
		}
	}

}
