package io.llmfallback.provider;

import java.time.Duration;
import java.util.List;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * A failed provider call, classified. The message never holds the API key: provider error
 * texts have their credentials redacted first.
 */
public final class ProviderException extends RuntimeException {

	private final String provider;

	private final FailureCategory category;

	private final @Nullable Integer httpStatus;

	private final @Nullable Duration retryAfter;

	private final String detail;

	private final TokenUsage billedUsage;

	public ProviderException(String provider, FailureCategory category, @Nullable Integer httpStatus,
			@Nullable Duration retryAfter, String detail, @Nullable Throwable cause) {
		this(provider, category, httpStatus, retryAfter, detail, cause, TokenUsage.NONE);
	}

	private ProviderException(String provider, FailureCategory category, @Nullable Integer httpStatus,
			@Nullable Duration retryAfter, String detail, @Nullable Throwable cause, TokenUsage billedUsage) {
		super(provider + " failed: " + category.wireName() + ((httpStatus != null) ? " (HTTP " + httpStatus + ")" : "")
				+ ": " + detail, cause);
		this.provider = provider;
		this.category = category;
		this.httpStatus = httpStatus;
		this.retryAfter = retryAfter;
		this.detail = detail;
		this.billedUsage = billedUsage;
	}

	public static ProviderException invalidResponse(String provider, String detail) {
		return new ProviderException(provider, FailureCategory.INVALID_RESPONSE, null, null, detail, null);
	}

	/**
	 * A well-formed answer that breaks the chain's output contract; the provider billed
	 * its tokens.
	 */
	public static ProviderException contractViolation(String provider, List<String> violations, TokenUsage billed) {
		return new ProviderException(provider, FailureCategory.CONTRACT_VIOLATION, 200, null,
				String.join("; ", violations), null, billed);
	}

	/**
	 * The same failure, found in a response that did come: with that response's status
	 * (unless one is set) and the tokens it reports, which the provider bills although
	 * the answer is unusable.
	 */
	public ProviderException inResponse(int status, TokenUsage billed) {
		ProviderException copy = new ProviderException(this.provider, this.category,
				(this.httpStatus != null) ? this.httpStatus : status, this.retryAfter, this.detail, getCause(), billed);
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	public String getProvider() {
		return this.provider;
	}

	public FailureCategory getCategory() {
		return this.category;
	}

	/**
	 * The HTTP status the provider answered with, or {@code null} when no response came.
	 */
	public @Nullable Integer getHttpStatus() {
		return this.httpStatus;
	}

	/**
	 * Tokens the provider billed for the failed call: none unless a response reported
	 * usage.
	 */
	public TokenUsage getBilledUsage() {
		return this.billedUsage;
	}

	/**
	 * How long the provider asked us to wait ({@code retry-after} and the like), or
	 * {@code null}.
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

}
