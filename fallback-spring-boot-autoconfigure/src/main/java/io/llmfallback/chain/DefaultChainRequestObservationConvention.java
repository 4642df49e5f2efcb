package io.llmfallback.chain;

import io.llmfallback.chain.ChainObservationDocumentation.KeyNames;
import io.micrometer.common.KeyValues;

/** The request observation's span name ({@code llm.fallback {chain}}) and attributes. */
public class DefaultChainRequestObservationConvention implements ChainRequestObservationConvention {

	@Override
	public String getContextualName(ChainRequestObservationContext context) {
		return "llm.fallback " + context.chain();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ChainRequestObservationContext context) {
		return KeyValues.of(KeyNames.CHAIN.withValue(context.chain()),
				KeyNames.OPERATION.withValue(context.operation()), KeyNames.PATH.withValue(context.path().wireName()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ChainRequestObservationContext context) {
		return KeyValues.of(KeyNames.ATTEMPTS.withValue(String.valueOf(context.attempts())));
	}

}
