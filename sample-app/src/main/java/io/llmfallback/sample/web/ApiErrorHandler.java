package io.llmfallback.sample.web;

import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.sample.middleware.PromptRejectedException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * Turns failures into the sample's JSON errors: a chain that ended without a response is
 * a 503 listing its attempts; a rejected request keeps its status with an {@code error}
 * text, and a prompt the input guardrail refused is a 400. Always JSON, even to a caller
 * that asked for server-sent events: a request rejected before its stream began gets no
 * stream at all.
 */
@RestControllerAdvice
final class ApiErrorHandler {

	@ExceptionHandler
	ResponseEntity<ChainFailureBody> chainFailed(ChainFailureException failure) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_JSON)
			.body(ChainFailureBody.of(failure));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> promptRejected(PromptRejectedException rejection) {
		return ResponseEntity.badRequest()
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ApiError(String.valueOf(rejection.getMessage())));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> rejected(ResponseStatusException rejection) {
		String reason = rejection.getReason();
		return ResponseEntity.status(rejection.getStatusCode())
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ApiError((reason != null) ? reason : rejection.getStatusCode().toString()));
	}

}
