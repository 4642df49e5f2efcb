package io.llmfallback.sample.simulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * One simulated LLM provider: a real HTTP server on a random loopback port that speaks one provider's
 * wire format, so that the starter's provider clients, timeouts and error mapping run exactly as against
 * the real API. Healthy, it answers as its {@link ModelProfile} says (after a fixed latency, with more or
 * less of the prompt echoed). A {@link Fault} can be injected at any time; it applies to requests that
 * arrive after.
 */
public final class ProviderSimulator implements AutoCloseable {

	private final String name;

	private final WireFormat format;

	private final ModelProfile profile;

	private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);

	/** Requests since the fault was injected, to spread a partial fault evenly. */
	private final AtomicLong requestsSinceInjection = new AtomicLong();

	/** Requests being answered: a caller that gives up must bring this back down, or it leaves a call running. */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final DisposableServer server;

	private ProviderSimulator(String name, WireFormat format, ModelProfile profile, LoopResources loops) {
		this.name = name;
		this.format = format;
		this.profile = profile;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(loops)
			.route((routes) -> routes.post(format.path(), this::handle))
			.bindNow();
	}

	/** Starts a simulator of OpenAI chat completions. */
	static ProviderSimulator openAi(String name, ModelProfile profile, LoopResources loops) {
		return new ProviderSimulator(name, new OpenAiWireFormat(), profile, loops);
	}

	/** Starts a simulator of Gemini's generateContent and streamGenerateContent. */
	static ProviderSimulator gemini(String name, ModelProfile profile, LoopResources loops) {
		return new ProviderSimulator(name, new GeminiWireFormat(), profile, loops);
	}

	/** Starts a simulator of Anthropic messages. */
	static ProviderSimulator anthropic(String name, ModelProfile profile, LoopResources loops) {
		return new ProviderSimulator(name, new AnthropicWireFormat(), profile, loops);
	}

	/** The provider name it stands in for, as configured under {@code llm.fallback.providers}. */
	public String name() {
		return this.name;
	}

	/** The wire protocol it speaks: {@code openai}, {@code anthropic} or {@code gemini}. */
	public String protocol() {
		return this.format.protocol();
	}

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

	public Fault fault() {
		return this.fault.get();
	}

	/** Makes requests from now on misbehave as the fault says (a partial fault counts from here). */
	public void inject(Fault fault) {
		this.requestsSinceInjection.set(0);
		this.fault.set(fault);
	}

	/** Answers normally again. */
	public void heal() {
		this.fault.set(Fault.NONE);
	}

	/**
	 * How many requests it is answering now: one whose client closed the connection (a stream cancelled
	 * upstream, or held open by a stall) is no longer counted.
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		// Reactor Netty cancels the handler when the client closes the connection before the answer is sent.
		return Mono.defer(() -> {
			this.inFlight.incrementAndGet();
			return answer(request, response);
		}).doFinally((signal) -> this.inFlight.decrementAndGet());
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		Fault injected = this.fault.get();
		Fault fault = injected.appliesTo(this.requestsSinceInjection.incrementAndGet()) ? injected : Fault.NONE;
		Mono<String> body = request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
		if (fault.hang()) {
			// Read the request, then keep the connection open without a word: only the client's timeout ends it.
			return body.then(Mono.never());
		}
		Integer status = fault.status();
		Duration latency = this.profile.latency().plus(fault.latency());
		return body
			.map((text) -> (status != null) ? this.format.error(status)
					: this.format.answer(this.name, this.profile.echoPercent(), request.uri(), text))
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
	 * Sends the events paced evenly over the latency, the first after a share of it, as the fault says. The
	 * headers go out at once, as a real API sends them before its first event.
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
			// Closed before the handler ends, the connection never carries the chunked body's last chunk.
			case CUT -> sent.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
			default -> sent;
		};
	}

	/** What is sent at each tick: the events of the text, one chunk a tick, and what the fault leaves of the rest. */
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
				steps.add(EventStream.malformed((before < chunks.size()) ? chunks.get(before) : events.closing().get(0)));
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
	 * Stops listening. Requests still waiting on a hang or a latency are cut off when the event loops they
	 * run on shut down, not waited for.
	 */
	@Override
	public void close() {
		this.server.dispose();
	}

}
