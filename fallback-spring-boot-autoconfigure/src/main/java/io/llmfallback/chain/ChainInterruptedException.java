package io.llmfallback.chain;

import java.util.List;

import io.llmfallback.provider.ProviderException;

/**
 * A streamed request whose provider failed after its first chunk had reached the caller:
 * what the caller has is the beginning of an answer, never the whole of it. The chain
 * does not fall over at that point, since the caller already holds another provider's
 * text.
 */
public final class ChainInterruptedException extends ChainFailureException {

	private final ProviderException failure;

	private final int charactersStreamed;

	public ChainInterruptedException(String chain, String operation, List<AttemptRecord> attempts,
			ProviderException failure, int charactersStreamed) {
		super(chain, operation, attempts, "interrupted after " + charactersStreamed + " characters streamed, on "
				+ failure.getCategory().wireName(), failure);
		this.failure = failure;
		this.charactersStreamed = charactersStreamed;
	}

	/** The failure that cut the answer. */
	public ProviderException getFailure() {
		return this.failure;
	}

	/**
	 * How many characters of the answer had reached the caller when the stream failed.
	 */
	public int getCharactersStreamed() {
		return this.charactersStreamed;
	}

}
