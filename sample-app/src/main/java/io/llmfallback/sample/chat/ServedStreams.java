package io.llmfallback.sample.chat;

import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Hands a served stream's outcome (its attempts, usage and cost) to the request that streamed it, for its
 * {@code done} event. {@code FallbackChain.stream} gives its caller the chunks only, and tells its listeners
 * how the request ended: on the thread that completes the stream, in the stream's completion hook, so just
 * before that completion reaches the caller on the same thread. The outcome is kept for that thread until
 * the completion takes it; the next served stream on the thread replaces one never taken (a stream
 * cancelled as it completed), so no request can take another's.
 */
@Component
final class ServedStreams implements ChainListener {

	private final ThreadLocal<@Nullable ChainResponse> served = new ThreadLocal<>();

	@Override
	public void onOutcome(ChainOutcome outcome) {
		ChainResponse response = outcome.response();
		if (response != null && ChatService.STREAM_OPERATION.equals(outcome.operation())) {
			this.served.set(response);
		}
	}

	/**
	 * The response of the stream of that chain that has just completed on this thread.
	 * @throws IllegalStateException when the chain told no outcome of it
	 */
	ChainResponse take(String chain) {
		ChainResponse response = this.served.get();
		this.served.remove();
		if (response == null || !response.chain().equals(chain)) {
			throw new IllegalStateException("The stream of chain '" + chain + "' completed without its outcome");
		}
		return response;
	}

}
