package io.llmfallback.provider.internal;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.ProviderException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The HTTP plumbing every wire protocol shares: one POST of a JSON body, the body read as
 * text (within the provider's cap and the shared {@link ResponseBudget}, so that a huge
 * one cannot exhaust memory) so that a malformed answer becomes
 * {@link FailureCategory#INVALID_RESPONSE} instead of a codec error, and every failure
 * classified into a {@link ProviderException}. Subclasses supply the protocol: path,
 * credentials, request body, response parsing and the provider's own error vocabulary.
 * <p>
 * Streams share the same plumbing: the request is the unary one with streaming switched
 * on, an error status is classified exactly as a unary one, and a 2xx body is split into
 * server-sent events by {@link SseReader} and decoded by the subclass, one event at a
 * time, into {@link ChatChunk}s.
 */
public abstract class HttpLlmProvider extends ConfiguredProvider {

	/**
	 * How long a stream's body may stay open after the provider's end-of-stream marker
	 * before it is cut short: a provider ends it at once (the end of the body comes in
	 * the marker's packet or the next), the answer is whole already, and the caller's
	 * stall limit keeps running meanwhile.
	 */
	static final Duration DRAIN_GRACE = Duration.ofMillis(100);

	protected static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * What a provider adds to the prompt for a JSON answer where its API needs the
	 * instruction in words.
	 */
	protected static final String JSON_INSTRUCTION = "Respond with a single JSON object and nothing else.";

	private static final Log logger = LogFactory.getLog(HttpLlmProvider.class);

	private final ResponseBudget responseBudget;

	private final ThrottledWarning oversizeWarning = new ThrottledWarning(logger, Duration.ofMinutes(1),
			System::nanoTime);

	private final AtomicBoolean implausibleUsageLogged = new AtomicBoolean();

	private final WebClient webClient;

	private final SecretRedactor redactor;

	/**
	 * @param webClientBuilder the builder of the provider's WebClient; its connector must
	 * not follow redirects (the auto-configuration sees to it): a followed redirect would
	 * re-send the API key and the prompt
	 * @param responseBudget the bytes this provider may hold while reading answers,
	 * shared with the others
	 */
	protected HttpLlmProvider(ProviderSettings settings, WebClient.Builder webClientBuilder,
			ResponseBudget responseBudget) {
		super(settings);
		this.responseBudget = responseBudget;
		this.redactor = new SecretRedactor(settings.apiKey());
		this.webClient = webClientBuilder.clone().baseUrl(settings.baseUrl().toString()).defaultHeaders((headers) -> {
			settings.headers().forEach(headers::set);
			protocolHeaders(headers);
			if (settings.hasApiKey()) {
				authenticate(headers, settings.apiKey());
			}
		}).build();
	}

	@Override
	public Mono<ChatResponse> chat(ChatRequest request) {
		return Mono.defer(() -> {
			String model = (request.model() != null) ? request.model() : this.settings.model();
			int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : this.settings.maxTokens();
			String body = JSON.writeValueAsString(requestBody(request, model, maxTokens));
			long startNanos = System.nanoTime();
			return this.webClient.post()
				.uri(path(model))
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchangeToMono((response) -> readBody(response).map((text) -> {
					if (!response.statusCode().is2xxSuccessful()) {
						throw failure(response, text);
					}
					Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
					return parseSuccess(text, response.statusCode().value(), model, maxTokens, latency);
				}))
				.onErrorMap((ex) -> !(ex instanceof ProviderException), this::classifyTransportFailure);
		});
	}

	/**
	 * Streams the answer over server-sent events. An error status is read and classified
	 * as in {@link #chat}; a 2xx body is read event by event, each within the provider's
	 * {@code max-response-size}, and the whole within four times that: a streamed answer
	 * is the unary answer cut into events, each adding tens of bytes of JSON framing to a
	 * few characters of text, so a stream of the largest plausible answer is a few times
	 * its unary body, and a stream past four times is broken or hostile. A stream holds
	 * one event at a time, so the shared {@link ResponseBudget} (which bounds whole
	 * bodies held at once) does not apply to it.
	 */
	@Override
	public Flux<ChatChunk> stream(ChatRequest request) {
		return Flux.defer(() -> {
			String model = (request.model() != null) ? request.model() : this.settings.model();
			int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : this.settings.maxTokens();
			ObjectNode body = requestBody(request, model, maxTokens);
			streaming(body);
			return this.webClient.post()
				.uri(streamPath(model))
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.bodyValue(JSON.writeValueAsString(body))
				.exchangeToFlux(
						(response) -> response.statusCode().is2xxSuccessful() ? chunks(response, model, maxTokens)
								: readBody(response).flatMapMany((text) -> Flux.error(failure(response, text))))
				.onErrorMap((ex) -> !(ex instanceof ProviderException), this::classifyTransportFailure);
		});
	}

	/**
	 * The text chunks as their events come, then one last chunk with the finish reason,
	 * the usage and the model, once the provider's end of stream is seen. Events after
	 * the end-of-stream marker are not decoded, but the body is still read to its end,
	 * which comes at once from a provider: a connection whose body was read whole goes
	 * back to the pool for the next call, one cut short is closed, and the next stream
	 * would pay a new TCP and TLS handshake before its first chunk. A body still open
	 * {@link #DRAIN_GRACE} after the marker is cut short all the same. The decoding runs
	 * on the connection's event loop: it is one small JSON document per event, as a codec
	 * would parse.
	 */
	private Flux<ChatChunk> chunks(ClientResponse response, String requestedModel, int maxTokens) {
		int status = response.statusCode().value();
		long maxEventBytes = this.settings.maxResponseBytes();
		SseReader reader = new SseReader(maxEventBytes, 4 * maxEventBytes);
		StreamState state = new StreamState(name());
		Sinks.Empty<Void> terminated = Sinks.empty();
		return response.body(BodyExtractors.toDataBuffers()).concatMapIterable((buffer) -> {
			try {
				return reader.read(buffer);
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).filter((event) -> !state.terminated).map((event) -> {
			String text = decodeQuietly(event, state);
			if (state.terminated) {
				terminated.tryEmitEmpty();
			}
			return text;
		})
			// Bytes past the marker still count toward the size cap; going over it there
			// cuts the drain, not the answer.
			.onErrorResume(ResponseTooLargeException.class, (ex) -> state.terminated ? Flux.empty() : Flux.error(ex))
			.takeUntilOther(terminated.asMono().then(Mono.delay(DRAIN_GRACE)))
			.filter((text) -> !text.isEmpty())
			.map((text) -> {
				state.hasText |= !text.isBlank();
				return new ChatChunk(text, null, null, state.model);
			})
			.concatWith(Mono.fromCallable(() -> lastChunk(state, requestedModel, maxTokens)))
			.onErrorMap(ResponseTooLargeException.class, (ex) -> {
				this.oversizeWarning.warn(() -> "LLM provider '" + name() + "' streamed an answer that was not read "
						+ "to the end: " + ex.detail());
				return new ProviderException(name(), FailureCategory.RESPONSE_TOO_LARGE, status, null, ex.detail(),
						null);
			});
	}

	private String decodeQuietly(StreamEvent event, StreamState state) {
		try {
			return decode(event, state);
		}
		catch (ProviderException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// Values the model refuses mean a malformed event, not a broken connection.
			throw ProviderException.invalidResponse(name(),
					"stream event could not be read: " + this.redactor.redact(String.valueOf(ex.getMessage())));
		}
	}

	private ChatChunk lastChunk(StreamState state, String requestedModel, int maxTokens) {
		if (!state.ended) {
			throw new ProviderException(name(), FailureCategory.STREAM_TRUNCATED, 200, null,
					"stream ended before its end-of-stream marker", null);
		}
		List<ToolCall> toolCalls = state.toolCalls.calls();
		if (!state.hasText && toolCalls.isEmpty()) {
			throw new ProviderException(name(), FailureCategory.EMPTY_RESPONSE, 200, null,
					"stream has no text (finish reason " + this.redactor.redact(String.valueOf(state.finishReason))
							+ ")",
					null);
		}
		TokenUsage usage = null;
		if (state.usage != null) {
			ObjectNode reported = state.usage;
			usage = plausible(usage(reported).consistent(), maxTokens, () -> usageQuietly(reported));
		}
		return new ChatChunk("", state.finishReason, usage, (state.model != null) ? state.model : requestedModel,
				toolCalls);
	}

	/**
	 * Reads a body that is not an answer (an error, a redirect) as text within the
	 * provider's cap.
	 */
	private Mono<String> readBody(ClientResponse response) {
		return this.responseBudget
			.read(response.body(BodyExtractors.toDataBuffers()), this.settings.maxResponseBytes(),
					response.headers().contentLength().orElse(-1))
			.onErrorResume(ResponseTooLargeException.class, (ex) -> tooLarge(response, ex));
	}

	/** The failure a response that is not a 2xx stands for. */
	private ProviderException failure(ClientResponse response, String text) {
		int status = response.statusCode().value();
		if (response.statusCode().is3xxRedirection()) {
			return redirect(status, response.headers().asHttpHeaders());
		}
		return classifyError(status, status, response.headers().asHttpHeaders(), readQuietly(text), "");
	}

	/**
	 * An answer over its cap is a failure of its own; an error or redirect over it is
	 * still classified, by its status and headers alone.
	 */
	private Mono<String> tooLarge(ClientResponse response, ResponseTooLargeException ex) {
		int status = response.statusCode().value();
		this.oversizeWarning.warn(() -> "LLM provider '" + name() + "' answered HTTP " + status + " with a body "
				+ "that was not read to the end: " + ex.detail());
		if (response.statusCode().is2xxSuccessful()) {
			return Mono.error(
					new ProviderException(name(), FailureCategory.RESPONSE_TOO_LARGE, status, null, ex.detail(), null));
		}
		return Mono.just("");
	}

	private ChatResponse parseSuccess(String text, int status, String requestedModel, int maxTokens, Duration latency) {
		JsonNode body;
		try {
			body = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new ProviderException(name(), FailureCategory.INVALID_RESPONSE, status, null,
					"response body is not JSON", null);
		}
		if (body == null || !body.isObject()) {
			throw new ProviderException(name(), FailureCategory.INVALID_RESPONSE, status, null,
					"response body is not a JSON object", null);
		}
		try {
			ChatResponse response = parseResponse(body, requestedModel, latency);
			TokenUsage usage = plausible(response.usage(), maxTokens, () -> usageQuietly(body));
			return (usage != response.usage()) ? response.withUsage(usage) : response;
		}
		catch (ProviderException ex) {
			// A response did come: its status and billed tokens belong on the failure.
			throw ex.inResponse(status,
					plausible(usageQuietly(body).consistent(), maxTokens, () -> usageQuietly(body)));
		}
		catch (RuntimeException ex) {
			// Values the model refuses mean a malformed answer, not a broken connection.
			throw new ProviderException(name(), FailureCategory.INVALID_RESPONSE, status, null,
					"response could not be read: " + this.redactor.redact(String.valueOf(ex.getMessage())), ex);
		}
	}

	/**
	 * The usage within plausible bounds: no more output than the request allowed plus
	 * slack, no more input than the configured ceiling. Slack, because providers count a
	 * few tokens the limit does not (the end of turn, tool-call framing) and gateways
	 * re-count with tokenizers of their own, a few percent apart: 10% covers the
	 * tokenizers, 16 tokens the fixed overhead on small limits. Logged once per provider:
	 * every clamped count is on its attempt's usage and in the meters. The line has the
	 * counts as the body reported them (read again from it, once): the ones read already
	 * are corrected.
	 */
	private TokenUsage plausible(TokenUsage consistent, int maxTokens, Supplier<TokenUsage.Reported> asReported) {
		TokenUsage usage = consistent.clampedTo(this.settings.maxInputTokens(), maxTokens + maxTokens / 10 + 16L);
		if (usage.isClamped() && this.implausibleUsageLogged.compareAndSet(false, true)) {
			TokenUsage.Reported reported = asReported.get();
			logger.warn("LLM provider '" + name() + "' reported implausible token usage ("
					+ parts(reported.inputParts()) + " input tokens, ceiling " + this.settings.maxInputTokens() + "; "
					+ parts(reported.outputParts()) + " output tokens, " + maxTokens + " allowed; "
					+ reported.cachedInputTokens() + " cached): negative counts are read as 0, counts beyond the "
					+ "bounds priced at the bound, cached tokens beyond the prompt as uncached. Logged once; every "
					+ "such answer is flagged on its usage");
		}
		return usage;
	}

	private static String parts(List<Long> parts) {
		return parts.stream().map(String::valueOf).collect(Collectors.joining(" + "));
	}

	private TokenUsage.Reported usageQuietly(JsonNode body) {
		try {
			return usage(body);
		}
		catch (RuntimeException ex) {
			return TokenUsage.Reported.NONE;
		}
	}

	/**
	 * A redirect is not followed: the request carries the API key and the prompt. The
	 * target's host is named so that a moved endpoint can be found, but nothing else of
	 * it: its path and query may hold a token.
	 */
	private ProviderException redirect(int status, HttpHeaders headers) {
		String location = headers.getFirst(HttpHeaders.LOCATION);
		String host = null;
		if (location != null) {
			try {
				host = URI.create(location.trim()).getHost();
			}
			catch (IllegalArgumentException ex) {
				// an unparseable location is reported without a host
			}
		}
		String detail = "redirect not followed" + ((host != null) ? " (to host " + host + ")" : "");
		return new ProviderException(name(), FailureCategory.REDIRECT, status, null, this.redactor.redact(detail),
				null);
	}

	/**
	 * @param status the response's status
	 * @param categorizeAs the status the error is categorized by: the response's, or for
	 * an error event inside a 200 the one its error type stands for
	 * @param prefix what the detail starts with
	 */
	private ProviderException classifyError(int status, int categorizeAs, HttpHeaders headers, JsonNode body,
			String prefix) {
		ProviderError error = parseError(body);
		FailureCategory category = categorize(categorizeAs, error);
		Duration retryAfter = retryAfter(headers, body);
		String detail = this.redactor
			.redact(prefix + (error.type().isEmpty() ? error.message() : error.type() + ": " + error.message()));
		return new ProviderException(name(), category, status, retryAfter, detail, null);
	}

	/**
	 * The JSON object of a stream event, or a failure: {@code invalid-response} for an
	 * event that is not one, and for an error the provider sent inside its 200 the
	 * category its error type has in an error response.
	 */
	protected JsonNode eventJson(StreamEvent event) {
		JsonNode body;
		try {
			body = JSON.readTree(event.data());
		}
		catch (JacksonException ex) {
			throw ProviderException.invalidResponse(name(), "stream event is not JSON");
		}
		if (body == null || !body.isObject()) {
			throw ProviderException.invalidResponse(name(), "stream event is not a JSON object");
		}
		if (body.path("error").isObject()) {
			throw classifyError(200, streamErrorStatus(body, parseError(body)), HttpHeaders.EMPTY, body,
					"error event in the stream: ");
		}
		return body;
	}

	private Throwable classifyTransportFailure(Throwable ex) {
		Throwable cause = (ex instanceof WebClientRequestException) ? ex.getCause() : ex;
		if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
			return new ProviderException(name(), FailureCategory.TIMEOUT, null, null, "read timed out", ex);
		}
		if (ex instanceof WebClientRequestException || cause instanceof ConnectException
				|| cause instanceof UnknownHostException) {
			String detail = (cause != null) ? cause.getClass().getSimpleName() : ex.getClass().getSimpleName();
			return new ProviderException(name(), FailureCategory.CONNECTION, null, null, detail, ex);
		}
		// A connection that closed mid-response surfaces here as a reactor-netty
		// exception.
		return new ProviderException(name(), FailureCategory.CONNECTION, null, null, ex.getClass().getSimpleName(), ex);
	}

	protected static JsonNode readQuietly(String text) {
		try {
			JsonNode node = JSON.readTree(text);
			return (node != null) ? node : MissingNode.getInstance();
		}
		catch (JacksonException ex) {
			return MissingNode.getInstance();
		}
	}

	/**
	 * The JSON object a caller gave as text (a tool's parameters, a call's arguments, a
	 * response schema), or a {@code bad-request} failure before anything is sent: every
	 * provider takes these as objects and would refuse the request with a 400.
	 * @param what what the text is, for the failure's detail
	 */
	protected ObjectNode jsonObject(String text, String what) {
		JsonNode parsed = readQuietly(text);
		if (!parsed.isObject()) {
			throw new ProviderException(name(), FailureCategory.BAD_REQUEST, null, null,
					what + " must be a JSON object", null);
		}
		return (ObjectNode) parsed;
	}

	/**
	 * The mapping every provider starts from; subclasses refine it with what the error
	 * body says.
	 */
	protected static FailureCategory categorizeByStatus(int status) {
		return switch (status) {
			case 401, 403 -> FailureCategory.AUTH;
			case 408, 504 -> FailureCategory.TIMEOUT;
			case 429 -> FailureCategory.RATE_LIMITED;
			case 503, 529 -> FailureCategory.OVERLOADED;
			default -> (status >= 500) ? FailureCategory.SERVER_ERROR : FailureCategory.BAD_REQUEST;
		};
	}

	/**
	 * How long the provider asked us to wait: {@code retry-after-ms}, then
	 * {@code retry-after} in seconds or as an HTTP date. Subclasses may also read the
	 * error body.
	 */
	protected @Nullable Duration retryAfter(HttpHeaders headers, JsonNode errorBody) {
		String millis = headers.getFirst("retry-after-ms");
		if (millis != null) {
			try {
				return Duration.ofMillis((long) Double.parseDouble(millis.trim()));
			}
			catch (NumberFormatException ex) {
				// fall through to retry-after
			}
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null) {
			return null;
		}
		try {
			return Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000));
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
				Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
				return wait.isNegative() ? Duration.ZERO : wait;
			}
			catch (DateTimeParseException unparseable) {
				return null;
			}
		}
	}

	/**
	 * A token count of a usage report, 0 when absent. A number beyond a long reads as the
	 * largest long (so that it is clamped as implausible, where read as is it would
	 * become 0 and a hostile answer would cost nothing) or, negative, as -1 (read as 0
	 * and flagged by {@link TokenUsage.Reported#consistent}).
	 */
	protected static long count(JsonNode usage, String field) {
		JsonNode value = usage.path(field);
		if (value.isNumber() && !value.canConvertToLong()) {
			return (value.decimalValue().signum() < 0) ? -1 : Long.MAX_VALUE;
		}
		return value.asLong(0);
	}

	protected static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return value.isString() ? value.stringValue() : "";
	}

	/**
	 * The answer, unless it has neither text nor tool calls to serve. An answer of tool
	 * calls alone is whole. An empty or whitespace-only completion without them is a
	 * failure of its own whatever the finish reason: one that stopped normally as much as
	 * one the token limit cut off (a thinking model can spend the whole limit on
	 * thoughts).
	 */
	protected ChatResponse answer(String text, List<ToolCall> toolCalls, @Nullable String finishReason,
			TokenUsage usage, String model, Duration latency) {
		if (text.isBlank() && toolCalls.isEmpty()) {
			throw new ProviderException(name(), FailureCategory.EMPTY_RESPONSE, null, null,
					"response has no text (finish reason " + this.redactor.redact(String.valueOf(finishReason)) + ")",
					null);
		}
		return new ChatResponse(text, finishReason, usage, name(), model, latency, toolCalls);
	}

	/**
	 * Adds the credential header(s) of this protocol; only called when an API key is
	 * configured.
	 */
	protected abstract void authenticate(HttpHeaders headers, String apiKey);

	/**
	 * Adds the headers this protocol needs on every request, with or without an API key
	 * (a version header, say). Headers the user configured are already present and should
	 * be kept.
	 */
	protected void protocolHeaders(HttpHeaders headers) {
	}

	/** The request path below the base URL. */
	protected abstract String path(String model);

	/**
	 * The request path of a streamed answer; the unary one unless the protocol has its
	 * own.
	 */
	protected String streamPath(String model) {
		return path(model);
	}

	/** Switches streaming on in a request body built by {@link #requestBody}. */
	protected void streaming(ObjectNode body) {
		body.put("stream", true);
	}

	/**
	 * Reads one event of a streamed answer: returns the text it adds (empty for none) and
	 * records on the state what it says of the model, the finish reason, the usage and
	 * the end of stream. Throws {@link ProviderException} for an error event
	 * ({@link #eventJson} does) or a malformed one.
	 */
	protected abstract String decode(StreamEvent event, StreamState state);

	/**
	 * The HTTP status an error event inside a 200 stands for, to categorize it as an
	 * error response of that status: its numeric {@code error.code} when it has one
	 * (Gemini, and OpenAI-compatible servers), a server error otherwise. Subclasses map
	 * their error types.
	 */
	protected int streamErrorStatus(JsonNode body, ProviderError error) {
		JsonNode code = body.path("error").path("code");
		return (code.isInt() && code.intValue() >= 400 && code.intValue() <= 599) ? code.intValue() : 500;
	}

	protected abstract ObjectNode requestBody(ChatRequest request, String model, int maxTokens);

	/**
	 * Turns a 2xx JSON object into a response, or throws {@link ProviderException} when
	 * fields are missing ({@code invalid-response}) or the provider filtered the content
	 * ({@code content-filtered}).
	 */
	protected abstract ChatResponse parseResponse(JsonNode body, String requestedModel, Duration latency);

	/**
	 * The token usage a response body reports, as reported; zero counts where it reports
	 * none.
	 */
	protected abstract TokenUsage.Reported usage(JsonNode body);

	/**
	 * Reads the provider's error envelope; a body that is not one gives an empty type and
	 * message.
	 */
	protected abstract ProviderError parseError(JsonNode body);

	/**
	 * The category of an error response, from its status and the provider's own error
	 * type and text.
	 */
	protected abstract FailureCategory categorize(int status, ProviderError error);

	/**
	 * The provider's own description of an error.
	 *
	 * @param type the provider's error type or code ({@code context_length_exceeded},
	 * {@code overloaded_error}, {@code RESOURCE_EXHAUSTED}), empty when absent
	 * @param message the human-readable text, empty when absent
	 */
	protected record ProviderError(String type, String message) {

		static final ProviderError NONE = new ProviderError("", "");

	}

	/**
	 * One server-sent event.
	 *
	 * @param type its {@code event:} field, {@code message} when it has none
	 * @param data its {@code data:} lines, joined with line feeds
	 */
	protected record StreamEvent(String type, String data) {

	}

	/**
	 * What one stream has said so far; written by {@link #decode}, on one thread at a
	 * time.
	 */
	protected static final class StreamState {

		private final ToolCallAssembler toolCalls;

		private @Nullable String model;

		private @Nullable String finishReason;

		private @Nullable ObjectNode usage;

		private boolean ended;

		private boolean terminated;

		private boolean hasText;

		StreamState(String provider) {
			this.toolCalls = new ToolCallAssembler(provider);
		}

		/** The tool calls the stream has sent so far, to add to. */
		ToolCallAssembler toolCalls() {
			return this.toolCalls;
		}

		/** The model that answers, when the event names one. */
		void model(String model) {
			if (!model.isEmpty()) {
				this.model = model;
			}
		}

		void finishReason(String finishReason) {
			if (!finishReason.isEmpty()) {
				this.finishReason = finishReason;
			}
		}

		/**
		 * Takes the usage an event reports: its {@code field} object's counts, merged
		 * over those reported before (Anthropic reports the input at the start and the
		 * output at the end; the others report it whole, once or cumulatively).
		 * {@link #usage(JsonNode)} reads them at the end.
		 */
		void usage(JsonNode body, String field) {
			JsonNode reported = body.path(field);
			if (reported.isObject()) {
				if (this.usage == null) {
					this.usage = JSON.createObjectNode();
				}
				this.usage.withObjectProperty(field).setAll((ObjectNode) reported);
			}
		}

		/**
		 * The provider's end of stream was seen; the body may still end before more
		 * events.
		 */
		void end() {
			this.ended = true;
		}

		/** The provider's end-of-stream marker was seen: nothing more is read. */
		void terminate() {
			this.ended = true;
			this.terminated = true;
		}

	}

}
