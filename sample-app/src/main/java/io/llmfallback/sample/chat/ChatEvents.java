package io.llmfallback.sample.chat;

import java.math.BigDecimal;
import java.util.List;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.sample.web.ChainFailureBody.Attempt;
import org.jspecify.annotations.Nullable;

/**
 * The data of the server-sent events of {@code POST /chat/{chain}/stream}: a
 * {@code chunk} per piece of text, then either one {@code done} or one {@code error},
 * never neither.
 */
final class ChatEvents {

	private ChatEvents() {
	}

	private static List<Attempt> views(List<AttemptRecord> attempts) {
		return attempts.stream().map(Attempt::of).toList();
	}

	/**
	 * A {@code chunk} event: the text the answer goes on with.
	 *
	 * @param text the piece of text, to append to the pieces before it
	 */
	record Chunk(String text) {

	}

	/**
	 * The {@code done} event: the answer came whole, and this is how the chain got it.
	 *
	 * @param provider the configured name of the provider that streamed the answer
	 * @param model the model that answered
	 * @param fallback whether a provider other than the chain's primary answered
	 * @param finishReason why the model stopped, in its provider's words
	 * @param attempts each provider's turn, the serving one ({@code success}) last
	 * @param inputTokens prompt tokens the provider billed
	 * @param outputTokens completion tokens the provider billed
	 * @param costUsd what the answer cost, every billed attempt included
	 */
	record Done(String provider, String model, boolean fallback, @Nullable String finishReason, List<Attempt> attempts,
			long inputTokens, long outputTokens, BigDecimal costUsd) {

		static Done of(ChainResponse served) {
			ChatResponse response = served.response();
			return new Done(response.provider(), response.model(), served.isFallback(), response.finishReason(),
					views(served.attempts()), response.usage().inputTokens(), response.usage().outputTokens(),
					served.costUsd());
		}

	}

	/**
	 * The {@code error} event: the stream ended without a whole answer.
	 *
	 * @param error what went wrong
	 * @param failure how the request ended: {@code exhausted} (every provider failed
	 * before its first chunk), {@code aborted} (a failure the chain does not fall over
	 * on), {@code interrupted} (the serving provider failed after its first chunk) or
	 * {@code internal}
	 * @param category the failure category that ended it ({@code stream-truncated},
	 * {@code timeout}...), or {@code null} when no provider failed
	 * @param textSent whether chunks of text were sent before this event: they are the
	 * beginning of an answer, never the whole of it
	 * @param charactersStreamed how many characters those chunks held
	 * @param attempts each provider's turn
	 */
	record Failed(String error, String failure, @Nullable String category, boolean textSent, int charactersStreamed,
			List<Attempt> attempts) {

		static Failed of(Throwable failure) {
			if (failure instanceof ChainInterruptedException interrupted) {
				return chain(interrupted, "interrupted", interrupted.getCharactersStreamed());
			}
			if (failure instanceof ChainAbortedException aborted) {
				return chain(aborted, "aborted", 0);
			}
			if (failure instanceof ChainFailureException exhausted) {
				return chain(exhausted, "exhausted", 0);
			}
			// Anything else is the app's own fault: its message is not the caller's
			// business.
			return new Failed("The stream failed unexpectedly", "internal", null, false, 0, List.of());
		}

		private static Failed chain(ChainFailureException failure, String how, int charactersStreamed) {
			List<AttemptRecord> attempts = failure.getAttempts();
			// A chain that ran out of providers or budget without a failure of its own
			// (all short-circuited, say) is told by its last attempt.
			String category = (failure.getCause() instanceof ProviderException provider)
					? provider.getCategory().wireName()
					: attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).label();
			return new Failed(String.valueOf(failure.getMessage()), how, category, charactersStreamed > 0,
					charactersStreamed, views(attempts));
		}

	}

}
