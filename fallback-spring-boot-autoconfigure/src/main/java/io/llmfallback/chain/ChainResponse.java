package io.llmfallback.chain;

import java.math.BigDecimal;
import java.util.List;

import io.llmfallback.chain.internal.AttemptCosts;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ToolCall;
import org.jspecify.annotations.Nullable;

/**
 * A chain's answer to one logical request: the response of the provider that served it,
 * and how the chain got there.
 *
 * @param response what the serving provider answered
 * @param chain the chain's name
 * @param operation what the request was for (the {@code @LlmFallback} method's name, or
 * the caller's label)
 * @param attempts every attempt, the serving one last
 * @param contractViolations how the served answer breaks the chain's output contract;
 * empty when it complies (a chain with {@code on-violation: accept-and-flag} serves
 * violating answers)
 * @param entity the answer mapped onto the type the caller asked for, {@code null} when
 * it asked for text
 */
public record ChainResponse(ChatResponse response, String chain, String operation, List<AttemptRecord> attempts,
		List<String> contractViolations, @Nullable Object entity) {

	public ChainResponse {
		attempts = List.copyOf(attempts);
		contractViolations = List.copyOf(contractViolations);
	}

	/** An answer served as text. */
	public ChainResponse(ChatResponse response, String chain, String operation, List<AttemptRecord> attempts,
			List<String> contractViolations) {
		this(response, chain, operation, attempts, contractViolations, null);
	}

	/** An answer that complies with the chain's contract, or a chain without one. */
	public ChainResponse(ChatResponse response, String chain, String operation, List<AttemptRecord> attempts) {
		this(response, chain, operation, attempts, List.of());
	}

	/**
	 * Whether the served answer breaks the chain's output contract (served under
	 * accept-and-flag).
	 */
	public boolean isContractViolated() {
		return !this.contractViolations.isEmpty();
	}

	/**
	 * The answer mapped onto the type the request asked for.
	 * @throws IllegalStateException when the request asked for text, or for another type
	 */
	public <T> T entity(Class<T> type) {
		if (!type.isInstance(this.entity)) {
			throw new IllegalStateException("The answer of chain '" + this.chain + "' was not mapped onto "
					+ type.getName() + ((this.entity != null) ? " but onto " + this.entity.getClass().getName() : "")
					+ ": send the request with that type");
		}
		return type.cast(this.entity);
	}

	public String text() {
		return this.response.text();
	}

	/** The tools the model asked to call, in its order; empty for an answer of text. */
	public List<ToolCall> toolCalls() {
		return this.response.toolCalls();
	}

	/** Whether a provider other than the primary served the request. */
	public boolean isFallback() {
		return path() == ServedPath.FALLBACK;
	}

	public ServedPath path() {
		return servingAttempt().isFallback() ? ServedPath.FALLBACK : ServedPath.PRIMARY;
	}

	/**
	 * The attempt whose answer was served: the one that succeeded. Not always the last:
	 * in a hedged request the call that lost the race is recorded after it.
	 */
	public AttemptRecord servingAttempt() {
		for (int i = this.attempts.size() - 1; i >= 0; i--) {
			if (this.attempts.get(i).outcome() == AttemptOutcome.SUCCESS) {
				return this.attempts.get(i);
			}
		}
		throw new IllegalStateException("A served response of chain '" + this.chain + "' has no successful attempt");
	}

	/**
	 * What the logical request cost in USD: the serving call and every failed call the
	 * providers billed.
	 */
	public BigDecimal costUsd() {
		return AttemptCosts.total(this.attempts);
	}

}
