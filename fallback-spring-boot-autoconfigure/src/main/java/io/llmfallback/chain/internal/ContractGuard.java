package io.llmfallback.chain.internal;

import io.llmfallback.chain.ChainObservationDocumentation;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;

/**
 * The third step of an attempt: the answer against the chain's output contract and the
 * type the caller wants it mapped onto. An answer that breaks the contract makes way for
 * the next provider's ({@code next-provider}) or is served flagged
 * ({@code accept-and-flag}); one that does not map has nothing to serve and always makes
 * way.
 */
final class ContractGuard {

	private final OutputContract contract;

	ContractGuard(OutputContract contract) {
		this.contract = contract;
	}

	/**
	 * How the answer fares: its check, the value it maps onto, and whether it must make
	 * way for the next provider's. An answer that calls tools is a turn of the
	 * conversation, not its answer: the contract and the mapping are for the text that
	 * comes once the tools have answered, so it passes unchecked.
	 */
	Verdict check(ChatResponse response, @Nullable ResultMapping<?> mapping) {
		if (response.hasToolCalls()) {
			return new Verdict(ContractCheck.UNCHECKED, null, false);
		}
		ContractCheck check = this.contract.check(response);
		Object entity = null;
		if (mapping != null) {
			ResultMapping.Mapped<?> mapped = mapping.map(response.text());
			check = check.and(mapped.check());
			entity = mapped.value();
		}
		boolean nothingToServe = mapping != null && entity == null;
		boolean makesWay = !check.passed()
				&& (nothingToServe || this.contract.onViolation() == OnViolation.NEXT_PROVIDER);
		return new Verdict(check, entity, makesWay);
	}

	/**
	 * Checks a unary answer for the request, and throws the provider's contract violation
	 * when it must make way: thrown inside the breaker, which counts it only when its
	 * settings say so.
	 */
	Verdict admit(RequestRun run, LlmProvider provider, ChatResponse response) {
		Verdict verdict = check(response, run.mapping);
		run.lastContractCheck = verdict.check();
		if (!verdict.check().passed()) {
			run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
			if (verdict.makesWay()) {
				throw ProviderException.contractViolation(provider.name(), verdict.check().violations(),
						response.usage());
			}
		}
		return verdict;
	}

	/**
	 * Checks a streamed answer held until its end, before any of it reaches the caller:
	 * one that breaks the contract can still make way for the next provider's, as a unary
	 * one does.
	 */
	void admitHeld(RequestRun run, LlmProvider provider, ContractCheck check, ChatResponse response) {
		if (!check.passed() && this.contract.onViolation() == OnViolation.NEXT_PROVIDER) {
			run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
			throw ProviderException.contractViolation(provider.name(), check.violations(), response.usage());
		}
	}

	/** Flags a streamed answer that broke the contract: the caller already has it. */
	static void flag(RequestRun run, ContractCheck check) {
		if (!check.passed()) {
			run.observation.event(ChainObservationDocumentation.Events.CONTRACT_VIOLATION);
		}
	}

	/**
	 * How an answer fared.
	 *
	 * @param check the contract's check, and the mapping's
	 * @param entity the value the answer maps onto, or {@code null} (no mapping asked, or
	 * it does not map)
	 * @param makesWay whether the answer must make way for the next provider's
	 */
	record Verdict(ContractCheck check, @Nullable Object entity, boolean makesWay) {

	}

}
