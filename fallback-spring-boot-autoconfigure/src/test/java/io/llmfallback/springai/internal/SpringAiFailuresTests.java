package io.llmfallback.springai.internal;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;
import org.junit.jupiter.api.Test;

import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI's exceptions, as its model clients throw them, mapped onto the chain's
 * failure categories.
 */
class SpringAiFailuresTests {

	@Test
	void theStatusAtTheStartOfSpringAisMessageDecides() {
		// Spring AI's clients write "<status> - <error body>".
		assertThat(map(new TransientAiException("429 - {\"error\":{\"message\":\"Rate limit reached\"}}")))
			.extracting(ProviderException::getCategory, ProviderException::getHttpStatus)
			.containsExactly(FailureCategory.RATE_LIMITED, 429);
		assertThat(
				map(new NonTransientAiException("401 - {\"error\":{\"message\":\"Incorrect API key\"}}")).getCategory())
			.isEqualTo(FailureCategory.AUTH);
		assertThat(map(new NonTransientAiException("400 - {\"error\":{\"message\":\"bad\"}}")).getCategory())
			.isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(map(new TransientAiException("503 - overloaded")).getCategory())
			.isEqualTo(FailureCategory.OVERLOADED);
		assertThat(map(new TransientAiException("500 - oops")).getCategory()).isEqualTo(FailureCategory.SERVER_ERROR);
	}

	@Test
	void theStatusOfAnHttpClientExceptionInTheCauseChainDecides() {
		WebClientResponseException overloaded = WebClientResponseException.create(529, "Overloaded", HttpHeaders.EMPTY,
				"{}".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
		assertThat(map(new RuntimeException("wrapped", overloaded)))
			.extracting(ProviderException::getCategory, ProviderException::getHttpStatus)
			.containsExactly(FailureCategory.OVERLOADED, 529);
		assertThat(
				map(new TransientAiException("retry exhausted",
						HttpServerErrorException.create(org.springframework.http.HttpStatus.BAD_GATEWAY, "Bad Gateway",
								HttpHeaders.EMPTY, new byte[0], StandardCharsets.UTF_8)))
					.getHttpStatus())
			.isEqualTo(502);
	}

	@Test
	void withoutAStatusTheCauseDecides() {
		assertThat(map(new ResourceAccessException("I/O error", new SocketTimeoutException("Read timed out")))
			.getCategory()).isEqualTo(FailureCategory.TIMEOUT);
		assertThat(
				map(new ResourceAccessException("I/O error", new ConnectException("Connection refused"))).getCategory())
			.isEqualTo(FailureCategory.CONNECTION);
		assertThat(map(new NonTransientAiException("No content")).getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(map(new TransientAiException("Model is loading")).getCategory())
			.isEqualTo(FailureCategory.SERVER_ERROR);
		assertThat(map(new TransientAiException("4290 is not a status")).getHttpStatus()).isNull();
	}

	@Test
	void theDetailNamesTheExceptionAndQuotesNothingOfItsMessage() {
		ProviderException failure = map(new NonTransientAiException("400 - {\"error\":\"the prompt said: secret\"}"));

		assertThat(failure.getMessage()).contains("NonTransientAiException").doesNotContain("secret");
		assertThat(failure.getProvider()).isEqualTo("openai");
	}

	private static ProviderException map(Throwable failure) {
		return SpringAiFailures.map("openai", failure);
	}

}
