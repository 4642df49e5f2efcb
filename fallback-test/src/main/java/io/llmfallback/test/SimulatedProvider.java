package io.llmfallback.test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;

/**
 * One simulated LLM provider: a real HTTP server on a random loopback port that speaks
 * one provider's wire format, so that the starter's provider clients, timeouts and error
 * mapping run exactly as against the real API. Healthy, it answers as its
 * {@link ModelProfile} says (after a fixed latency, with more or less of the prompt
 * echoed), or with the text its {@linkplain #answerWith script} gives. A {@link Fault}
 * can be injected at any time; it applies to requests that arrive after.
 *
 * <pre>{@code
 * try (SimulatedProvider openAi = SimulatedProvider.start("gpt", WireProtocol.OPENAI)) {
 *     openAi.inject(Fault.ofStatus(503));
 *     // point the provider "gpt" at openAi.baseUrl() and call it
 * }
 * }</pre>
 */
public final class SimulatedProvider implements AutoCloseable {

	/**
	 * The largest request body it reads, far beyond any test prompt: a larger one is
	 * answered 413 in the provider's format, as the real APIs cap theirs, without being
	 * held in memory.
	 */
	public static final int MAX_REQUEST_BYTES = 1024 * 1024;

	private final String name;

	private final WireFormat format;

	private final ModelProfile profile;

	private final @Nullable LoopResources ownLoops;

	private volatile Fault fault = Fault.NONE;

	/**
	 * What it answers instead of its echo, from the last user message; {@code null} to
	 * echo.
	 */
	private final AtomicReference<@Nullable UnaryOperator<String>> script = new AtomicReference<>();

	/**
	 * The tool it calls when a request offers it; {@code null} to answer in text.
	 */
	private final AtomicReference<Completion.@Nullable ToolCall> toolCall = new AtomicReference<>();

	/** Requests received since start or the last reset. */
	private final AtomicLong requests = new AtomicLong();

	/** The body of the last request read since start or the last reset. */
	private final AtomicReference<@Nullable String> lastRequest = new AtomicReference<>();

	/** Requests since the fault was injected, to spread a partial fault evenly. */
	private final AtomicLong requestsSinceInjection = new AtomicLong();

	/**
	 * Requests being answered: a caller that gives up must bring this back down, or it
	 * leaves a call running.
	 */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final DisposableServer server;

	SimulatedProvider(String name, WireProtocol protocol, ModelProfile profile, LoopResources loops,
			boolean ownsLoops) {
		this.name = Objects.requireNonNull(name, "name");
		this.format = protocol.format();
		this.profile = Objects.requireNonNull(profile, "profile");
		this.ownLoops = ownsLoops ? loops : null;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(loops)
			.route((routes) -> routes.post(this.format.path(), this::handle))
			.bindNow();
	}

	/**
	 * Starts a provider speaking that protocol on a free loopback port, answering at once
	 * with the whole echo.
	 */
	public static SimulatedProvider start(String name, WireProtocol protocol) {
		return start(name, protocol, ModelProfile.INSTANT);
	}

	/**
	 * Starts a provider speaking that protocol on a free loopback port, on event loops of
	 * its own.
	 * @param name the provider name it stands in for, the first word of its echoed
	 * answers
	 */
	public static SimulatedProvider start(String name, WireProtocol protocol, ModelProfile profile) {
		LoopResources loops = SimulatedProviders.newLoops();
		try {
			return new SimulatedProvider(name, protocol, profile, loops, true);
		}
		catch (RuntimeException ex) {
			SimulatedProviders.dispose(loops);
			throw ex;
		}
	}

	/**
	 * The provider name it stands in for, as configured under
	 * {@code llm.fallback.providers}.
	 */
	public String name() {
		return this.name;
	}

	/** The wire protocol it speaks. */
	public WireProtocol protocol() {
		return this.format.protocol();
	}

	/** The loopback port it listens on. */
	public int port() {
		return this.server.port();
	}

	/** What to configure as the provider's {@code base-url}. */
	public URI baseUrl() {
		return URI.create("http://127.0.0.1:" + port());
	}

	/** How it answers when healthy. */
	public ModelProfile profile() {
		return this.profile;
	}

	/** The fault injected, {@link Fault#NONE} when healthy. */
	public Fault fault() {
		return this.fault;
	}

	/**
	 * Makes requests from now on misbehave as the fault says (a partial fault counts from
	 * here).
	 */
	public void inject(Fault fault) {
		this.requestsSinceInjection.set(0);
		this.fault = Objects.requireNonNull(fault, "fault");
	}

	/** Answers normally again; a script stays. */
	public void heal() {
		this.fault = Fault.NONE;
	}

	/**
	 * Answers every request from now on with this text instead of the echo, in the
	 * request's wire format, streamed or not, cut at the request's output-token cap and
	 * counted as the echo is (1.3 tokens a word).
	 */
	public void answerWith(String text) {
		Objects.requireNonNull(text, "text");
		answerWith((prompt) -> text);
	}

	/**
	 * Answers every request from now on with what the script makes of its last user
	 * message, as {@link #answerWith(String)} does. Runs on the provider's event loop: it
	 * must not block.
	 */
	public void answerWith(UnaryOperator<String> script) {
		this.script.set(Objects.requireNonNull(script, "script"));
	}

	/**
	 * Answers every request from now on that offers this tool (in OpenAI's and
	 * Anthropic's {@code tools}, Gemini's {@code functionDeclarations}, not switched off
	 * or ruled out by the tool choice) with a call of it and no text, in the request's
	 * wire format, streamed or not: OpenAI's {@code tool_calls}, Anthropic's
	 * {@code tool_use} block, Gemini's {@code functionCall} part. A request whose
	 * conversation ends with the tool's result is answered in text, as the prompt would
	 * be (echoed, or as the script says): so an answer quotes what the tool returned, and
	 * a tool-calling round trip ends. Requests that do not offer it are answered as
	 * before: a model calls only the tools it is given.
	 * @param name the tool's name
	 * @param argumentsJson its arguments, a JSON object
	 * @throws IllegalArgumentException when the arguments are not a JSON object
	 */
	public void answerWithToolCall(String name, String argumentsJson) {
		Objects.requireNonNull(name, "name");
		JsonNode arguments = WireFormat.parse(Objects.requireNonNull(argumentsJson, "argumentsJson"));
		if (!arguments.isObject()) {
			throw new IllegalArgumentException("Tool call arguments must be a JSON object: " + argumentsJson);
		}
		this.toolCall.set(new Completion.ToolCall(name, arguments));
	}

	/** As it started: healthy, echoing, calling no tool, no request counted or kept. */
	public void reset() {
		heal();
		this.script.set(null);
		this.toolCall.set(null);
		this.requests.set(0);
		this.lastRequest.set(null);
	}

	/**
	 * How many requests it has received since it started or was reset, answered or not.
	 */
	public long requests() {
		return this.requests.get();
	}

	/**
	 * The body of the last request it read, as sent (JSON), to check what a chain sent a
	 * provider: its model, its output-token cap, its messages after middleware. Empty
	 * before the first request since it started or was reset; a body over
	 * {@link #MAX_REQUEST_BYTES} is not kept.
	 */
	public Optional<String> lastRequest() {
		return Optional.ofNullable(this.lastRequest.get());
	}

	/**
	 * How many requests it is answering now: one whose client closed the connection (a
	 * stream cancelled upstream, or held open by a stall) is no longer counted.
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		// Reactor Netty cancels the handler when the client closes the connection before
		// the answer is sent.
		return Mono.defer(() -> {
			this.requests.incrementAndGet();
			this.inFlight.incrementAndGet();
			return answer(request, response);
		}).doFinally((signal) -> this.inFlight.decrementAndGet());
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		Fault injected = this.fault;
		Fault fault = injected.appliesTo(this.requestsSinceInjection.incrementAndGet()) ? injected : Fault.NONE;
		Mono<String> body = read(request).doOnNext(this.lastRequest::set);
		if (fault.hang()) {
			// Read the request, then keep the connection open without a word: only the
			// client's timeout ends it.
			return body.then(Mono.never());
		}
		Integer status = fault.status();
		Duration latency = this.profile.latency().plus(fault.latency());
		WireFormat.Answerer answerer = answerer(this.script.get(), this.toolCall.get());
		return body
			.map((text) -> (status == null) ? this.format.answer(this.name, answerer, request.uri(), text)
					: fault.contextLength() ? this.format.contextLengthExceeded() : this.format.error(status))
			.onErrorResume(RequestTooLarge.class, (ex) -> Mono.just(this.format.error(413)))
			// A stream spreads the latency over its events instead.
			.delayUntil((reply) -> (reply.events() != null || latency.isZero()) ? Mono.empty() : Mono.delay(latency))
			.flatMap((reply) -> {
				response.status(reply.status());
				reply.headers().forEach(response::header);
				EventStream events = reply.events();
				if (events != null) {
					return stream(response, events, latency, fault.stream());
				}
				response.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
				return response.sendString(Mono.just(reply.body())).then();
			});
	}

	/**
	 * The request body, read up to {@link #MAX_REQUEST_BYTES}, beyond which it fails with
	 * {@link RequestTooLarge}.
	 */
	private static Mono<String> read(HttpServerRequest request) {
		return request.receive().asByteArray().reduceWith(ByteArrayOutputStream::new, (body, bytes) -> {
			if (body.size() + bytes.length > MAX_REQUEST_BYTES) {
				throw new RequestTooLarge();
			}
			body.writeBytes(bytes);
			return body;
		}).map((body) -> body.toString(StandardCharsets.UTF_8)).defaultIfEmpty("");
	}

	/**
	 * What the model answers: a call of the scripted tool when the request offers it,
	 * else the script's text, or the echo of the prompt, in text or as a ticket in JSON.
	 */
	private WireFormat.Answerer answerer(@Nullable UnaryOperator<String> script, Completion.@Nullable ToolCall call) {
		int echoPercent = this.profile.echoPercent();
		return (prompt, input, maxTokens, json, tools) -> {
			if (call != null && tools.contains(call.name())) {
				return Completion.calling(call, input);
			}
			if (script != null) {
				return Completion.scripted(script.apply(prompt), input, maxTokens);
			}
			return json ? Completion.json(prompt, input, maxTokens, echoPercent)
					: Completion.of(this.name, prompt, input, maxTokens, echoPercent);
		};
	}

	/**
	 * Sends the events paced evenly over the latency, the first after a share of it, as
	 * the fault says. The headers go out at once, as a real API sends them before its
	 * first event.
	 */
	private static Mono<Void> stream(HttpServerResponse response, EventStream events, Duration latency,
			StreamFault fault) {
		response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
		List<String> steps = steps(events, fault);
		Duration tick = latency.dividedBy(steps.size());
		Flux<String> paced = tick.isZero() ? Flux.fromIterable(steps) : Flux.fromIterable(steps).delayElements(tick);
		// An empty write flushes the headers without a byte of body.
		Flux<String> body = Flux.concat(Mono.just(""),
				fault.firstChunkDelay().isZero() ? paced : Mono.delay(fault.firstChunkDelay()).thenMany(paced));
		Mono<Void> sent = response.sendString(body).then();
		return switch (fault.kind()) {
			case STALL -> sent.then(Mono.never());
			// Closed before the handler ends, the connection never carries the chunked
			// body's last chunk.
			case CUT -> sent.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
			default -> sent;
		};
	}

	/**
	 * What is sent at each tick: the events of the text, one chunk a tick, and what the
	 * fault leaves of the rest.
	 */
	static List<String> steps(EventStream events, StreamFault fault) {
		List<String> chunks = events.chunks();
		int before = (fault.kind() == StreamFault.Kind.NONE || fault.kind() == StreamFault.Kind.NO_TERMINATOR)
				? chunks.size() : Math.min(fault.afterChunks(), chunks.size());
		List<String> steps = new ArrayList<>(chunks.subList(0, before));
		String closing = String.join("", events.closing());
		switch (fault.kind()) {
			case NONE -> steps.add(closing + events.terminator());
			case NO_TERMINATOR -> steps.add(closing);
			case ERROR_EVENT -> steps.add(events.error());
			case MALFORMED -> {
				steps.add(
						EventStream.malformed((before < chunks.size()) ? chunks.get(before) : events.closing().get(0)));
				steps.addAll(chunks.subList(before, chunks.size()));
				steps.add(closing + events.terminator());
			}
			case CUT, STALL -> {
				// Nothing after the chunks.
			}
		}
		String opening = String.join("", events.opening());
		if (steps.isEmpty()) {
			steps.add(opening);
		}
		else {
			steps.set(0, opening + steps.get(0));
		}
		return steps;
	}

	/**
	 * Stops listening. Requests still waiting on a hang or a latency are cut off when the
	 * event loops they run on shut down, not waited for.
	 */
	@Override
	public void close() {
		this.server.dispose();
		if (this.ownLoops != null) {
			SimulatedProviders.dispose(this.ownLoops);
		}
	}

	/**
	 * A request body past {@link #MAX_REQUEST_BYTES}; only its type matters, so it
	 * carries no stack.
	 */
	private static final class RequestTooLarge extends RuntimeException {

		RequestTooLarge() {
			super("Request body larger than " + MAX_REQUEST_BYTES + " bytes", null, false, false);
		}

	}

}
