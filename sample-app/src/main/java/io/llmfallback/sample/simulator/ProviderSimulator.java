package io.llmfallback.sample.simulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
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

	/** Starts a simulator of Anthropic messages. */
	static ProviderSimulator anthropic(String name, ModelProfile profile, LoopResources loops) {
		return new ProviderSimulator(name, new AnthropicWireFormat(), profile, loops);
	}

	/** The provider name it stands in for, as configured under {@code llm.fallback.providers}. */
	public String name() {
		return this.name;
	}

	/** The wire protocol it speaks: {@code openai} or {@code anthropic}. */
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

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
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
					: this.format.answer(this.name, this.profile.echoPercent(), text))
			.delayUntil((reply) -> latency.isZero() ? Mono.empty() : Mono.delay(latency))
			.flatMap((reply) -> {
				response.status(reply.status()).header(HttpHeaderNames.CONTENT_TYPE, "application/json");
				reply.headers().forEach(response::header);
				return response.sendString(Mono.just(reply.body())).then();
			});
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
