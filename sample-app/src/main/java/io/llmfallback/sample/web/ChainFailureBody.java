package io.llmfallback.sample.web;

import java.util.List;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainFailureException;
import org.jspecify.annotations.Nullable;

/**
 * The body of a 503: the chain ended without a response, and here is every attempt it
 * made. A streamed answer lists its attempts in the same shape, in its {@code done} and
 * {@code error} events.
 *
 * @param error the chain's summary of the failure
 * @param attempts each provider's turn, in order
 */
public record ChainFailureBody(String error, List<Attempt> attempts) {

	static ChainFailureBody of(ChainFailureException failure) {
		return new ChainFailureBody(String.valueOf(failure.getMessage()),
				failure.getAttempts().stream().map(Attempt::of).toList());
	}

	/**
	 * One provider's turn.
	 *
	 * @param provider the provider's configured name
	 * @param category how it ended: {@code success}, a failure category
	 * ({@code overloaded}, {@code timeout}...), {@code short-circuited} or
	 * {@code budget-exhausted}
	 * @param status the HTTP status the provider answered with, {@code null} when none
	 * came
	 * @param durationMs how long the attempt took
	 */
	public record Attempt(String provider, String category, @Nullable Integer status, long durationMs) {

		public static Attempt of(AttemptRecord attempt) {
			return new Attempt(attempt.provider(), attempt.label(), attempt.httpStatus(),
					attempt.duration().toMillis());
		}

	}

}
