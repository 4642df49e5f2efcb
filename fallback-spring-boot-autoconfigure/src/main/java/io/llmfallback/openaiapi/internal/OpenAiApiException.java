package io.llmfallback.openaiapi.internal;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A request the endpoint answers with an error in OpenAI's format: the status and the
 * error object's fields. Its message is written for the caller, so it never holds a key,
 * a provider's error text or more than a short quote of what the caller sent.
 */
final class OpenAiApiException extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	private final @Nullable String param;

	private final @Nullable String code;

	/** What the caller is told, as the error's {@code message}. */
	private final String message;

	OpenAiApiException(HttpStatus status, String type, @Nullable String param, @Nullable String code, String message) {
		// Thrown for every refused request: a stack trace would cost more than the
		// answer.
		super(message, null, false, false);
		this.status = status;
		this.type = type;
		this.param = param;
		this.code = code;
		this.message = message;
	}

	/**
	 * A request that is not a valid chat completion request (400
	 * {@code invalid_request_error}).
	 */
	static OpenAiApiException invalid(@Nullable String param, String message) {
		return new OpenAiApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, null, message);
	}

	HttpStatus status() {
		return this.status;
	}

	OpenAiWire.ErrorResponse body() {
		return new OpenAiWire.ErrorResponse(new OpenAiWire.ErrorBody(this.message, this.type, this.param, this.code));
	}

}
