package io.llmfallback.chain;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What the observation of one provider attempt knows; the chain sets its outcome (the
 * answer, the failure, why it was given up) before the observation stops.
 */
public final class ChainAttemptObservationContext extends Observation.Context {

	private final String chain;

	private final LlmProvider provider;

	private final int index;

	private final ChatRequest request;

	private final String model;

	private final @Nullable String reason;

	private final boolean lastResort;

	private final int retry;

	private final boolean hedge;

	private final boolean captureContent;

	private @Nullable String givenUp;

	private @Nullable ChatResponse response;

	private @Nullable String errorType;

	private @Nullable StreamStats stream;

	public ChainAttemptObservationContext(String chain, LlmProvider provider, int index, ChatRequest request,
			@Nullable String reason, boolean lastResort, int retry, boolean hedge, boolean captureContent) {
		this.chain = chain;
		this.provider = provider;
		this.index = index;
		this.request = request;
		this.model = (request.model() != null) ? request.model() : provider.model();
		this.reason = reason;
		this.lastResort = lastResort;
		this.retry = retry;
		this.hedge = hedge;
		this.captureContent = captureContent;
	}

	/** The chain's name. */
	public String chain() {
		return this.chain;
	}

	/** The provider called. */
	public LlmProvider provider() {
		return this.provider;
	}

	/** The attempt's place in the request, from 0: 0 is the primary. */
	public int index() {
		return this.index;
	}

	/** The request as the provider is given it, after attempt middleware. */
	public ChatRequest request() {
		return this.request;
	}

	/** The model asked for: the request's own, else the provider's configured one. */
	public String model() {
		return this.model;
	}

	/**
	 * Why the attempt before this one did not serve (its failure category, or
	 * {@code short-circuited}), {@code null} for the first attempt.
	 */
	public @Nullable String reason() {
		return this.reason;
	}

	/**
	 * Whether this is the last-resort attempt of a request that found every provider's
	 * breaker open.
	 */
	public boolean lastResort() {
		return this.lastResort;
	}

	/**
	 * 0 for the request's first call of the provider, 1 for its first retry, and so on.
	 */
	public int retry() {
		return this.retry;
	}

	/**
	 * Whether this attempt started as a hedge, beside a primary that was still working.
	 */
	public boolean hedge() {
		return this.hedge;
	}

	/**
	 * Why the call was given up while the provider worked on it ({@code cancelled}: its
	 * breaker opened; {@code hedge-lost}: another attempt answered first), {@code null}
	 * when it was not.
	 */
	public @Nullable String givenUp() {
		return this.givenUp;
	}

	/** Whether the observation may carry prompt and completion text. */
	public boolean captureContent() {
		return this.captureContent;
	}

	/** The answer, once the attempt has succeeded. */
	public @Nullable ChatResponse response() {
		return this.response;
	}

	/**
	 * The failure category (or the failure's class name), once the attempt has failed.
	 */
	public @Nullable String errorType() {
		return this.errorType;
	}

	/** How the chunks of a streamed attempt came; {@code null} for a unary call. */
	public @Nullable StreamStats stream() {
		return this.stream;
	}

	public void streamed(StreamStats stream) {
		this.stream = stream;
	}

	public void succeeded(ChatResponse response) {
		this.response = response;
	}

	public void givenUp(String why) {
		this.givenUp = why;
	}

	public void failed(Throwable failure) {
		if (failure instanceof ProviderException providerFailure) {
			this.errorType = providerFailure.getCategory().wireName();
		}
		else if (failure instanceof AttemptRefusedException refused) {
			this.errorType = refused.getOutcome().wireName();
		}
		else {
			this.errorType = failure.getClass().getName();
		}
	}

}
