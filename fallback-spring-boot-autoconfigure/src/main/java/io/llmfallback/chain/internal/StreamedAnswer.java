package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.LlmProvider;
import org.jspecify.annotations.Nullable;

/** What one streamed attempt has sent so far; written by one stream, in order. */
final class StreamedAnswer {

	final StreamRecorder recorder;

	/**
	 * The text of another provider's interrupted answer that this stream continues; empty
	 * otherwise.
	 */
	final String prefix;

	private final StringBuilder text = new StringBuilder();

	private final List<ToolCall> toolCalls = new ArrayList<>();

	private @Nullable String finishReason;

	private @Nullable TokenUsage usage;

	private @Nullable String model;

	/** The whole answer, once the stream has completed. */
	@Nullable ChatResponse response;

	/**
	 * How the whole answer fared against the output contract; unchecked until the stream
	 * completed.
	 */
	ContractCheck check = ContractCheck.UNCHECKED;

	volatile boolean sent;

	/** Whether the provider has sent a chunk, with text or not: it is answering. */
	volatile boolean received;

	/**
	 * Whether a chunk with text has reached the caller: from then on, the chain cannot
	 * fall over.
	 */
	volatile boolean delivered;

	StreamedAnswer(long startNanos, String prefix) {
		this.recorder = new StreamRecorder(startNanos);
		this.prefix = prefix;
	}

	void add(ChatChunk chunk) {
		this.received = true;
		if (chunk.hasText()) {
			// Text only: the role chunk and the synthesized last chunk are no output.
			this.recorder.chunkAt(ReactorTime.nanos());
		}
		this.text.append(chunk.text());
		this.toolCalls.addAll(chunk.toolCalls());
		if (chunk.finishReason() != null) {
			this.finishReason = chunk.finishReason();
		}
		if (chunk.usage() != null) {
			this.usage = chunk.usage();
		}
		if (chunk.model() != null) {
			this.model = chunk.model();
		}
	}

	boolean hasText() {
		return this.text.length() > 0;
	}

	/**
	 * Whether the answer has text or tool calls: an answer of tool calls alone is one.
	 */
	boolean hasOutput() {
		return hasText() || !this.toolCalls.isEmpty();
	}

	/**
	 * The chunk as it joins the text so far: the first text of a continuation loses its
	 * leading whitespace when the interrupted text ended with some, which the prefill had
	 * cut and the model writes again.
	 */
	ChatChunk joined(ChatChunk chunk) {
		if (hasText() || this.prefix.isEmpty()
				|| !Character.isWhitespace(this.prefix.charAt(this.prefix.length() - 1))) {
			return chunk;
		}
		String stripped = chunk.text().stripLeading();
		return (stripped.length() == chunk.text().length()) ? chunk
				: new ChatChunk(stripped, chunk.finishReason(), chunk.usage(), chunk.model(), chunk.toolCalls());
	}

	/** The whole answer the caller has so far, a continued one's included. */
	String text() {
		return this.prefix + this.text;
	}

	int length() {
		return this.prefix.length() + this.text.length();
	}

	/**
	 * Assembles the whole answer, as a unary call would have returned it, and checks it
	 * against the output contract; once, however often asked.
	 */
	ContractCheck check(LlmProvider provider, String requestedModel, ChatRequest request, Duration latency,
			OutputContract contract) {
		if (this.response == null) {
			this.response = new ChatResponse(text(), this.finishReason, reportedOrEstimated(request), provider.name(),
					(this.model != null) ? this.model : requestedModel, latency, this.toolCalls);
			this.check = contract.check(this.response);
		}
		return this.check;
	}

	ChatResponse response() {
		ChatResponse complete = this.response;
		if (complete == null) {
			throw new IllegalStateException("The stream has not completed");
		}
		return complete;
	}

	/**
	 * What a failed stream is counted at: the usage it reported; else, once text came,
	 * what its text and prompt are estimated at, since the provider bills the output it
	 * sent; else what the failure says.
	 */
	TokenUsage billed(ChatRequest request, TokenUsage failureBilled) {
		return (this.usage == null && !hasText()) ? failureBilled : reportedOrEstimated(request);
	}

	/**
	 * The usage the provider reported; a provider that reported none is counted at the
	 * request's estimated prompt tokens and one output token per four characters, and the
	 * estimate is flagged.
	 */
	private TokenUsage reportedOrEstimated(ChatRequest request) {
		if (this.usage != null) {
			return this.usage;
		}
		this.recorder.usageEstimated();
		return new TokenUsage(request.estimatedInputTokens(), (this.text.length() + 3) / 4);
	}

}
