package io.llmfallback.openaiapi.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainInterruptedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.openaiapi.internal.OpenAiWire.ChatCompletion;
import io.llmfallback.openaiapi.internal.OpenAiWire.ChatCompletionChunk;
import io.llmfallback.openaiapi.internal.OpenAiWire.Choice;
import io.llmfallback.openaiapi.internal.OpenAiWire.ChunkChoice;
import io.llmfallback.openaiapi.internal.OpenAiWire.ChunkToolCall;
import io.llmfallback.openaiapi.internal.OpenAiWire.Delta;
import io.llmfallback.openaiapi.internal.OpenAiWire.Message;
import io.llmfallback.openaiapi.internal.OpenAiWire.MessageToolCall;
import io.llmfallback.openaiapi.internal.OpenAiWire.Model;
import io.llmfallback.openaiapi.internal.OpenAiWire.ModelList;
import io.llmfallback.openaiapi.internal.OpenAiWire.Usage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the chains in OpenAI's chat completions format:
 * {@code POST <base>/chat/completions} with {@code model} naming a chain, answered whole
 * or, with {@code stream: true}, as server-sent {@code chat.completion.chunk} events; and
 * {@code GET <base>/models}, one model per chain. Errors are in OpenAI's error format. A
 * streamed answer only starts once the chain has its first text (or tool calls): a
 * failure before it is an ordinary error response, one after it an error event that ends
 * the stream without {@code [DONE]}, so no client takes a cut answer for a whole one.
 */
public final class OpenAiApiHandler {

	/** The operation the endpoint's requests are counted under. */
	public static final String OPERATION = "openai-api";

	private static final Log logger = LogFactory.getLog(OpenAiApiHandler.class);

	// OpenAI's SDKs retry a 5xx unless told not to; a chain that failed has already tried
	// every provider it may within its budget, and an immediate retry would only spend
	// that money again.
	private static final String SHOULD_RETRY = "x-should-retry";

	private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

	private final FallbackChains chains;

	private final ApiKeys keys;

	private final int maxRequestBytes;

	private final Clock clock;

	private final long createdAt;

	/**
	 * @param chains the chains served, each as a model of its name
	 * @param keys the bearer keys a caller must send one of; none for an open endpoint
	 * @param maxRequestBytes the largest request body read
	 * @param clock the time written as {@code created}
	 */
	public OpenAiApiHandler(FallbackChains chains, Collection<String> keys, int maxRequestBytes, Clock clock) {
		this.chains = chains;
		this.keys = new ApiKeys(keys);
		this.maxRequestBytes = maxRequestBytes;
		this.clock = clock;
		this.createdAt = now();
	}

	/** The endpoint's routes under the base path, e.g. {@code /v1}. */
	public RouterFunction<ServerResponse> routes(String basePath) {
		return RouterFunctions.route()
			.POST(basePath + "/chat/completions", this::chatCompletions)
			.GET(basePath + "/models", this::models)
			.filter(this::authenticated)
			.build();
	}

	private Mono<ServerResponse> authenticated(ServerRequest request, HandlerFunction<ServerResponse> next) {
		if (this.keys.accepts(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
			return next.handle(request);
		}
		return error(new OpenAiApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "invalid_api_key",
				"Incorrect or missing API key: send one of the configured keys as " + "'Authorization: Bearer <key>'"));
	}

	private Mono<ServerResponse> models(ServerRequest request) {
		List<Model> models = this.chains.all()
			.stream()
			.map((chain) -> new Model(chain.name(), "model", this.createdAt, "llm-fallback"))
			.toList();
		return json(HttpStatus.OK, new ModelList("list", models));
	}

	private Mono<ServerResponse> chatCompletions(ServerRequest request) {
		return body(request).map(CompletionRequest::parse).flatMap((completion) -> {
			if (!this.chains.contains(completion.chain())) {
				return Mono.error(new OpenAiApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model",
						"model_not_found", "The model '" + CompletionRequest.quote(completion.chain())
								+ "' does not exist: it names no chain; GET /models lists them"));
			}
			FallbackChain chain = this.chains.chain(completion.chain());
			return completion.stream() ? streamed(chain, completion) : unary(chain, completion);
		}).onErrorResume((ex) -> error(failure(ex)));
	}

	/**
	 * The body, refused with 413 once it passes the limit, whatever its declared length
	 * says.
	 */
	private Mono<byte[]> body(ServerRequest request) {
		if (request.headers().contentLength().orElse(0) > this.maxRequestBytes) {
			return Mono.error(tooLarge());
		}
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), this.maxRequestBytes)
			.map((buffer) -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				return bytes;
			})
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge())
			.defaultIfEmpty(new byte[0]);
	}

	private OpenAiApiException tooLarge() {
		return new OpenAiApiException(HttpStatus.CONTENT_TOO_LARGE, "invalid_request_error", null, "request_too_large",
				"The request body is larger than the " + this.maxRequestBytes + " bytes this endpoint reads");
	}

	private Mono<ServerResponse> unary(FallbackChain chain, CompletionRequest completion) {
		return chain.chat(completion.request(), OPERATION).flatMap((served) -> json(HttpStatus.OK, completion(served)));
	}

	private ChatCompletion completion(ChainResponse served) {
		ChatResponse response = served.response();
		List<MessageToolCall> toolCalls = response.toolCalls().stream().map(MessageToolCall::of).toList();
		// OpenAI's content beside tool calls without text is null, not empty.
		String content = (toolCalls.isEmpty() || !served.text().isEmpty()) ? served.text() : null;
		Message message = new Message("assistant", content, null, toolCalls);
		return new ChatCompletion(completionId(), "chat.completion", now(), response.model(),
				List.of(new Choice(0, message, null, finishReason(response.finishReason(), !toolCalls.isEmpty()))),
				Usage.of(response.usage()));
	}

	/**
	 * The status is sent with the first event, so it waits for the chain's first text;
	 * the source is kept when the response is made (not cancelled), and the response's
	 * body goes on reading it.
	 */
	private Mono<ServerResponse> streamed(FallbackChain chain, CompletionRequest completion) {
		EventStream stream = new EventStream(completion);
		return chain.stream(completion.request(), OPERATION, stream::served).switchOnFirst((first, chunks) -> {
			Throwable failedBeforeText = first.getThrowable();
			if (failedBeforeText != null) {
				return Mono.error(failedBeforeText);
			}
			Flux<byte[]> events = stream.events(chunks);
			// Each event flushed as it comes: a client waits for text, not for a buffer
			// to fill.
			return ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.body((message, context) -> message
					.writeAndFlushWith(events.map((event) -> Mono.just(message.bufferFactory().wrap(event)))));
		}, false).singleOrEmpty();
	}

	/**
	 * An error, in OpenAI's format, for what went wrong; unexpected failures are logged,
	 * not described.
	 */
	private static OpenAiApiException failure(Throwable ex) {
		if (ex instanceof OpenAiApiException known) {
			return known;
		}
		if (ex instanceof ChainAbortedException aborted) {
			return aborted(aborted);
		}
		if (ex instanceof ChainExhaustedException exhausted) {
			return timedOut(exhausted.getAttempts())
					? new OpenAiApiException(HttpStatus.GATEWAY_TIMEOUT, "server_error", null, "timeout",
							"Chain '" + exhausted.getChain() + "' ran out of time " + attempts(exhausted.getAttempts()))
					: new OpenAiApiException(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable_error", null,
							"chain_exhausted", "No provider of chain '" + exhausted.getChain() + "' could answer "
									+ attempts(exhausted.getAttempts()));
		}
		if (ex instanceof ChainInterruptedException interrupted) {
			return new OpenAiApiException(HttpStatus.BAD_GATEWAY, "server_error", null, "stream_interrupted",
					"The answer of chain '" + interrupted.getChain() + "' was cut off after "
							+ interrupted.getCharactersStreamed() + " characters " + attempts(interrupted.getAttempts())
							+ "; the text received is incomplete");
		}
		logger.error("OpenAI-compatible endpoint: unexpected failure", ex);
		return new OpenAiApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", null, null,
				"The server had an error while processing your request");
	}

	/**
	 * A request a provider refused as it was (bad, too long, filtered) is the caller's to
	 * change: 400. Any other reason the chain stopped (the provider refused our
	 * credentials, an answer too large to read or breaking the chain's contract) is the
	 * gateway's: 502.
	 */
	private static OpenAiApiException aborted(ChainAbortedException aborted) {
		String attempts = attempts(aborted.getAttempts());
		return switch (aborted.getCategory()) {
			case BAD_REQUEST -> OpenAiApiException.invalid(null, "The provider refused the request " + attempts);
			case CONTEXT_LENGTH -> new OpenAiApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", "messages",
					"context_length_exceeded", "The messages do not fit the model's context window " + attempts);
			case CONTENT_FILTERED -> new OpenAiApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", null,
					"content_filter", "The provider's content filter refused the request " + attempts);
			default -> new OpenAiApiException(HttpStatus.BAD_GATEWAY, "server_error", null, "chain_aborted", "Chain '"
					+ aborted.getChain() + "' stopped on " + aborted.getCategory().wireName() + " " + attempts);
		};
	}

	/**
	 * The chain gave up for want of time: its budget ran out, or its last call timed out.
	 */
	private static boolean timedOut(List<AttemptRecord> attempts) {
		if (attempts.isEmpty()) {
			return false;
		}
		AttemptRecord last = attempts.get(attempts.size() - 1);
		return last.outcome() == AttemptOutcome.BUDGET_EXHAUSTED || last.category() == FailureCategory.TIMEOUT;
	}

	/**
	 * How each attempt ended, by provider name: never a provider's own error text, which
	 * may quote the request.
	 */
	private static String attempts(List<AttemptRecord> attempts) {
		return attempts.stream()
			.map((attempt) -> attempt.provider() + ": " + attempt.label())
			.collect(Collectors.joining(", ", "(", ")"));
	}

	private static Mono<ServerResponse> error(OpenAiApiException error) {
		ServerResponse.BodyBuilder response = ServerResponse.status(error.status());
		if (error.status().is5xxServerError()) {
			response.header(SHOULD_RETRY, "false");
		}
		return response.contentType(MediaType.APPLICATION_JSON).bodyValue(bytes(error.body()));
	}

	private static Mono<ServerResponse> json(HttpStatus status, Object body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(bytes(body));
	}

	private static byte[] bytes(Object body) {
		return OpenAiWire.JSON.writeValueAsBytes(body);
	}

	/**
	 * OpenAI's finish reasons, from whichever provider's vocabulary the chain's answer is
	 * in; an answer with tool calls ends with {@code tool_calls}, whatever the provider
	 * said (Gemini says {@code STOP}), since that is what a client looks for to run them.
	 */
	static String finishReason(@Nullable String providers, boolean toolCalls) {
		if (toolCalls) {
			return "tool_calls";
		}
		if (providers == null) {
			return "stop";
		}
		return switch (providers.toLowerCase(Locale.ROOT)) {
			case "length", "max_tokens" -> "length";
			case "content_filter", "safety", "recitation", "blocklist", "prohibited_content", "spii", "refusal" ->
				"content_filter";
			case "tool_calls", "tool_use", "function_call" -> "tool_calls";
			default -> "stop";
		};
	}

	private static String completionId() {
		return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	/**
	 * The events of one streamed answer: the role, each piece of text, the finish reason,
	 * the usage when asked for, and {@code [DONE]}; or, when the chain fails after text
	 * was sent, an error event and no {@code [DONE]}.
	 */
	private final class EventStream {

		private final CompletionRequest completion;

		private final String id = completionId();

		private final long created = now();

		/** The serving model, as its chunks name it; the chain's name until one does. */
		private String model;

		private boolean started;

		/** The tool calls sent so far, whose number is the next one's index. */
		private int toolCalls;

		private @Nullable String finishReason;

		private @Nullable TokenUsage usage;

		EventStream(CompletionRequest completion) {
			this.completion = completion;
			this.model = completion.chain();
		}

		/**
		 * One buffer per chunk of the chain, holding its events, so that nothing queues
		 * between the chain and the response: an operator with a queue (flatMapIterable,
		 * concatMap) lets an error overtake the text still queued before it, and the
		 * caller would lose the last text it was sent.
		 */
		Flux<byte[]> events(Flux<ChatChunk> chunks) {
			return chunks.map(this::eventsOf)
				.filter((events) -> events.length > 0)
				.concatWith(Mono.fromSupplier(this::ending))
				.onErrorResume((ex) -> Mono.just(event(failure(ex).body())));
		}

		private byte[] eventsOf(ChatChunk chunk) {
			if (chunk.model() != null) {
				this.model = chunk.model();
			}
			if (chunk.finishReason() != null) {
				this.finishReason = chunk.finishReason();
			}
			ByteArrayOutputStream events = new ByteArrayOutputStream();
			if (!this.started) {
				this.started = true;
				events.writeBytes(chunk(Delta.text("assistant", ""), null));
			}
			if (chunk.hasText()) {
				events.writeBytes(chunk(Delta.text(null, chunk.text()), null));
			}
			// One event per call, as OpenAI streams them.
			for (ToolCall call : chunk.toolCalls()) {
				events
					.writeBytes(chunk(new Delta(null, null, List.of(ChunkToolCall.of(this.toolCalls++, call))), null));
			}
			return events.toByteArray();
		}

		/**
		 * Takes the served answer's finish reason, model and usage, which the chain hands
		 * over after the last chunk: the usage is there even when the provider reported
		 * none (estimated then).
		 */
		void served(ChainResponse served) {
			this.model = served.response().model();
			if (served.response().finishReason() != null) {
				this.finishReason = served.response().finishReason();
			}
			this.usage = served.response().usage();
		}

		private byte[] ending() {
			ByteArrayOutputStream events = new ByteArrayOutputStream();
			events.writeBytes(chunk(Delta.text(null, null), finishReason(this.finishReason, this.toolCalls > 0)));
			if (this.completion.includeUsage() && this.usage != null) {
				events.writeBytes(event(new ChatCompletionChunk(this.id, "chat.completion.chunk", this.created,
						this.model, List.of(), Usage.of(this.usage))));
			}
			events.writeBytes(DONE);
			return events.toByteArray();
		}

		private byte[] chunk(Delta delta, @Nullable String finishReason) {
			return event(new ChatCompletionChunk(this.id, "chat.completion.chunk", this.created, this.model,
					List.of(new ChunkChoice(0, delta, null, finishReason)), null));
		}

		private static byte[] event(Object data) {
			byte[] json = bytes(data);
			byte[] event = new byte[json.length + 8];
			System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, event, 0, 6);
			System.arraycopy(json, 0, event, 6, json.length);
			event[event.length - 2] = '\n';
			event[event.length - 1] = '\n';
			return event;
		}

	}

}
