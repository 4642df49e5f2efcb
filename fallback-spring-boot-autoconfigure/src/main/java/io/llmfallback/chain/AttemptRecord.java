package io.llmfallback.chain;

import java.math.BigDecimal;
import java.time.Duration;

import io.llmfallback.contract.ContractCheck;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * One provider's turn in a chain.
 *
 * @param provider the provider's configured name
 * @param index its position in the chain; 0 is the primary
 * @param model the model asked for
 * @param outcome how the turn ended
 * @param category why a failed attempt failed, {@code null} otherwise
 * @param httpStatus the status the provider answered with, {@code null} when none came
 * @param duration how long the attempt took (zero when skipped)
 * @param retryAfter how long the provider asked to be left alone, or {@code null}
 * @param usage the tokens the provider billed: a success's usage, or what a failed
 * response reported
 * @param costUsd what those tokens cost
 * @param contract how the provider's answer fared against the chain's output contract
 * ({@link ContractCheck#UNCHECKED} when there was no answer or no contract)
 * @param lastResort whether this was the last-resort attempt a request makes when it
 * found every provider's breaker open
 * @param retry 0 for the request's first call of this provider, 1 for its first retry,
 * and so on
 * @param hedge whether this attempt was started as a hedge, while the primary was still
 * working
 * @param stream how a streamed attempt's chunks came, and whether its usage is estimated;
 * {@code null} for a unary call or an attempt that never streamed
 */
public record AttemptRecord(String provider, int index, String model, AttemptOutcome outcome,
		@Nullable FailureCategory category, @Nullable Integer httpStatus, Duration duration,
		@Nullable Duration retryAfter, TokenUsage usage, BigDecimal costUsd, ContractCheck contract, boolean lastResort,
		int retry, boolean hedge, @Nullable StreamStats stream) {

	/** A unary call. */
	public AttemptRecord(String provider, int index, String model, AttemptOutcome outcome,
			@Nullable FailureCategory category, @Nullable Integer httpStatus, Duration duration,
			@Nullable Duration retryAfter, TokenUsage usage, BigDecimal costUsd, ContractCheck contract,
			boolean lastResort, int retry, boolean hedge) {
		this(provider, index, model, outcome, category, httpStatus, duration, retryAfter, usage, costUsd, contract,
				lastResort, retry, hedge, null);
	}

	/** A first call or a skip, not a retry nor a hedge. */
	public AttemptRecord(String provider, int index, String model, AttemptOutcome outcome,
			@Nullable FailureCategory category, @Nullable Integer httpStatus, Duration duration,
			@Nullable Duration retryAfter, TokenUsage usage, BigDecimal costUsd, ContractCheck contract,
			boolean lastResort) {
		this(provider, index, model, outcome, category, httpStatus, duration, retryAfter, usage, costUsd, contract,
				lastResort, 0, false);
	}

	/** An attempt in the chain's order, not a last resort. */
	public AttemptRecord(String provider, int index, String model, AttemptOutcome outcome,
			@Nullable FailureCategory category, @Nullable Integer httpStatus, Duration duration,
			@Nullable Duration retryAfter, TokenUsage usage, BigDecimal costUsd, ContractCheck contract) {
		this(provider, index, model, outcome, category, httpStatus, duration, retryAfter, usage, costUsd, contract,
				false);
	}

	public static AttemptRecord skipped(String provider, int index, String model, AttemptOutcome why,
			boolean lastResort) {
		return new AttemptRecord(provider, index, model, why, null, null, Duration.ZERO, null, TokenUsage.NONE,
				BigDecimal.ZERO, ContractCheck.UNCHECKED, lastResort);
	}

	/**
	 * Whether the provider was called: it answered, failed, or was given up while it
	 * worked.
	 */
	public boolean called() {
		return switch (this.outcome) {
			case SUCCESS, FAILED, CANCELLED, HEDGE_LOST -> true;
			default -> false;
		};
	}

	/**
	 * This answer, not served because the other line of a hedged request answered first;
	 * it is still billed.
	 */
	public AttemptRecord lostTheRace() {
		return new AttemptRecord(this.provider, this.index, this.model, AttemptOutcome.HEDGE_LOST, null,
				this.httpStatus, this.duration, null, this.usage, this.costUsd, this.contract, this.lastResort,
				this.retry, this.hedge);
	}

	/** Whether this attempt was made on a provider other than the primary. */
	public boolean isFallback() {
		return this.index > 0;
	}

	/**
	 * One word for the outcome: {@code success}, the failure category ({@code timeout},
	 * {@code rate-limited}...), {@code short-circuited}, {@code budget-exhausted},
	 * {@code spend-limited}, {@code cancelled}, {@code hedge-lost},
	 * {@code bulkhead-full}, {@code throttled}, {@code max-attempts},
	 * {@code tools-unsupported}, {@code images-unsupported},
	 * {@code json-schema-unsupported} or {@code context-window-exceeded}.
	 */
	public String label() {
		if (this.outcome == AttemptOutcome.FAILED) {
			return (this.category != null) ? this.category.wireName() : "failed";
		}
		return this.outcome.wireName();
	}

	@Override
	public String toString() {
		return this.provider + "=" + label()
				+ ((this.httpStatus != null && this.outcome == AttemptOutcome.FAILED) ? " HTTP " + this.httpStatus : "")
				+ " (" + this.duration.toMillis() + " ms" + (this.lastResort ? ", last resort" : "")
				+ ((this.retry > 0) ? ", retry " + this.retry : "") + (this.hedge ? ", hedge" : "") + ")";
	}

}
