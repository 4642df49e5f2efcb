package io.llmfallback.chain;

import java.time.Duration;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;

/**
 * One provider's turn in a chain.
 *
 * @param provider the provider's configured name
 * @param index its position in the chain; 0 is the primary
 * @param outcome how the turn ended
 * @param category why a failed attempt failed, {@code null} otherwise
 * @param httpStatus the status the provider answered with, {@code null} when none came
 * @param duration how long the attempt took (zero when skipped)
 * @param retryAfter how long the provider asked to be left alone, or {@code null}
 */
public record AttemptRecord(String provider, int index, AttemptOutcome outcome, @Nullable FailureCategory category,
		@Nullable Integer httpStatus, Duration duration, @Nullable Duration retryAfter) {

	static AttemptRecord success(String provider, int index, Duration duration) {
		return new AttemptRecord(provider, index, AttemptOutcome.SUCCESS, null, 200, duration, null);
	}

	static AttemptRecord failed(int index, ProviderException failure, Duration duration) {
		return new AttemptRecord(failure.getProvider(), index, AttemptOutcome.FAILED, failure.getCategory(),
				failure.getHttpStatus(), duration, failure.getRetryAfter());
	}

	static AttemptRecord skipped(String provider, int index, AttemptOutcome why) {
		return new AttemptRecord(provider, index, why, null, null, Duration.ZERO, null);
	}

	/** Whether this attempt was made on a provider other than the primary. */
	public boolean isFallback() {
		return this.index > 0;
	}

	/**
	 * One word for the outcome: {@code success}, the failure category ({@code timeout}, {@code rate-limited}...),
	 * {@code short-circuited} or {@code budget-exhausted}.
	 */
	public String label() {
		return switch (this.outcome) {
			case SUCCESS -> "success";
			case FAILED -> (this.category != null) ? this.category.wireName() : "failed";
			case SHORT_CIRCUITED -> "short-circuited";
			case BUDGET_EXHAUSTED -> "budget-exhausted";
		};
	}

	@Override
	public String toString() {
		return this.provider + "=" + label() + ((this.httpStatus != null && this.outcome == AttemptOutcome.FAILED)
				? " HTTP " + this.httpStatus : "") + " (" + this.duration.toMillis() + " ms)";
	}

}
