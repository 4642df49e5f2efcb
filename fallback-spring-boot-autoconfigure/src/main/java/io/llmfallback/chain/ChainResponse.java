package io.llmfallback.chain;

import java.math.BigDecimal;
import java.util.List;

import io.llmfallback.model.ChatResponse;

/**
 * A chain's answer to one logical request: the response of the provider that served it, and how the
 * chain got there.
 *
 * @param response what the serving provider answered
 * @param chain the chain's name
 * @param operation what the request was for (the {@code @LlmFallback} method's name, or the caller's label)
 * @param attempts every attempt, the serving one last
 * @param contractViolations how the served answer breaks the chain's output contract; empty when it
 * complies (a chain with {@code on-violation: accept-and-flag} serves violating answers)
 */
public record ChainResponse(ChatResponse response, String chain, String operation, List<AttemptRecord> attempts,
		List<String> contractViolations) {

	public ChainResponse {
		attempts = List.copyOf(attempts);
		contractViolations = List.copyOf(contractViolations);
	}

	/** An answer that complies with the chain's contract, or a chain without one. */
	public ChainResponse(ChatResponse response, String chain, String operation, List<AttemptRecord> attempts) {
		this(response, chain, operation, attempts, List.of());
	}

	/** Whether the served answer breaks the chain's output contract (served under accept-and-flag). */
	public boolean isContractViolated() {
		return !this.contractViolations.isEmpty();
	}

	public String text() {
		return this.response.text();
	}

	/** Whether a provider other than the primary served the request. */
	public boolean isFallback() {
		return path() == ServedPath.FALLBACK;
	}

	public ServedPath path() {
		return this.attempts.get(this.attempts.size() - 1).isFallback() ? ServedPath.FALLBACK : ServedPath.PRIMARY;
	}

	/** What the logical request cost in USD: the serving call and every failed call the providers billed. */
	public BigDecimal costUsd() {
		return AttemptCosts.total(this.attempts);
	}

}
