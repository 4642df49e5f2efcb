package io.llmfallback.springai.internal;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.internal.AnthropicProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * What a Spring AI model's exception says, as a failure category. Spring AI's model
 * clients throw {@code TransientAiException} for what a retry may cure and
 * {@code NonTransientAiException} for the rest, with the provider's HTTP status and error
 * body in the message ({@code "429 - {...}"}); their HTTP clients throw
 * {@code RestClientResponseException} and {@code WebClientResponseException} with the
 * status itself, and Spring AI 2.0's OpenAI and Anthropic models let their official SDKs'
 * exceptions through, with theirs. The status decides when there is one.
 */
final class SpringAiFailures {

	private static final String TRANSIENT = "org.springframework.ai.retry.TransientAiException";

	private static final String NON_TRANSIENT = "org.springframework.ai.retry.NonTransientAiException";

	/**
	 * What the official OpenAI and Anthropic SDKs, under Spring AI 2.0's models of the
	 * same names, throw for an error answer; their {@code statusCode()} is the HTTP
	 * status.
	 */
	private static final String ANTHROPIC_SDK = "com.anthropic.errors.AnthropicServiceException";

	private static final List<String> SDK_SERVICE_EXCEPTIONS = List.of("com.openai.errors.OpenAIServiceException",
			ANTHROPIC_SDK);

	/**
	 * Spring AI's messages start with the status; only the first few characters are read.
	 */
	private static final int STATUS_DIGITS = 3;

	private SpringAiFailures() {
	}

	static ProviderException map(String provider, Throwable failure) {
		if (failure instanceof ProviderException known) {
			return known;
		}
		Integer status = status(failure);
		FailureCategory category = (status != null) ? category(status, failure) : categoryWithoutStatus(failure);
		// Only the exception's type: its message may quote the prompt or the provider's
		// answer.
		return new ProviderException(provider, category, status, null, failure.getClass().getSimpleName(), failure);
	}

	private static @Nullable Integer status(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RestClientResponseException response) {
				return response.getStatusCode().value();
			}
			if (cause instanceof WebClientResponseException response) {
				return response.getStatusCode().value();
			}
			if (isSdkServiceException(cause)) {
				Integer status = ReflectiveGetters.intValue(cause, "statusCode");
				if (status != null && status >= 400 && status <= 599) {
					return status;
				}
				// An error event inside a 200 stream, whose type Anthropic's SDK says.
				String errorType = isA(cause, ANTHROPIC_SDK) ? ReflectiveGetters.optionalText(cause, "errorType")
						: null;
				if (errorType != null) {
					return AnthropicProvider.statusOf(errorType);
				}
			}
			if (isA(cause, TRANSIENT) || isA(cause, NON_TRANSIENT)) {
				Integer status = leadingStatus(cause.getMessage());
				if (status != null) {
					return status;
				}
			}
		}
		return null;
	}

	private static @Nullable Integer leadingStatus(@Nullable String message) {
		if (message == null || message.length() < STATUS_DIGITS + 1
				|| message.charAt(STATUS_DIGITS) != ' ' && message.charAt(STATUS_DIGITS) != '-') {
			return null;
		}
		int status = 0;
		for (int i = 0; i < STATUS_DIGITS; i++) {
			char c = message.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
			status = status * 10 + (c - '0');
		}
		return (status >= 100 && status <= 599) ? status : null;
	}

	private static FailureCategory category(int status, Throwable failure) {
		if (status == 429) {
			return FailureCategory.RATE_LIMITED;
		}
		if (status == 401 || status == 403) {
			return FailureCategory.AUTH;
		}
		if (status == 408) {
			return FailureCategory.TIMEOUT;
		}
		if (status == 503 || status == 529) {
			return FailureCategory.OVERLOADED;
		}
		if (status >= 500) {
			return FailureCategory.SERVER_ERROR;
		}
		if (status >= 300 && status < 400) {
			return FailureCategory.REDIRECT;
		}
		return (status >= 400) ? FailureCategory.BAD_REQUEST : categoryWithoutStatus(failure);
	}

	private static FailureCategory categoryWithoutStatus(Throwable failure) {
		// A timeout first: HTTP clients wrap it in their connection exceptions.
		if (anyCause(failure,
				(cause) -> cause instanceof TimeoutException || cause instanceof SocketTimeoutException)) {
			return FailureCategory.TIMEOUT;
		}
		if (anyCause(failure, (cause) -> cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof WebClientRequestException || cause instanceof ResourceAccessException)) {
			return FailureCategory.CONNECTION;
		}
		if (anyCause(failure, (cause) -> isA(cause, NON_TRANSIENT))) {
			return FailureCategory.BAD_REQUEST;
		}
		// A transient failure, or one nothing explains: the next provider may answer.
		return FailureCategory.SERVER_ERROR;
	}

	private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (test.test(cause)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isSdkServiceException(Throwable failure) {
		for (String type : SDK_SERVICE_EXCEPTIONS) {
			if (isA(failure, type)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isA(Throwable failure, String className) {
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals(className)) {
				return true;
			}
		}
		return false;
	}

}
