package io.llmfallback.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An in-memory provider whose answers the test scripts, for virtual-time tests where real
 * sockets would run on real time. Records every request it receives.
 */
public final class ScriptedProvider implements LlmProvider {

	private final String name;

	private final Duration timeout;

	private final Function<ChatRequest, Mono<ChatResponse>> behaviour;

	private final Function<ChatRequest, Flux<ChatChunk>> streaming;

	private final List<ChatRequest> received = new CopyOnWriteArrayList<>();

	private volatile Runnable onTimeoutRead = () -> {
	};

	private ScriptedProvider(String name, Duration timeout, Function<ChatRequest, Mono<ChatResponse>> behaviour,
			Function<ChatRequest, Flux<ChatChunk>> streaming) {
		this.name = name;
		this.timeout = timeout;
		this.behaviour = behaviour;
		this.streaming = streaming;
	}

	private ScriptedProvider(String name, Duration timeout, Function<ChatRequest, Mono<ChatResponse>> behaviour) {
		this(name, timeout, behaviour, (request) -> Flux.error(new IllegalStateException("not scripted to stream")));
	}

	/** Streams as the function says; a unary call fails. */
	public static ScriptedProvider streaming(String name, Function<ChatRequest, Flux<ChatChunk>> streaming) {
		return new ScriptedProvider(name, Duration.ofSeconds(30),
				(request) -> Mono.error(new IllegalStateException("not scripted to answer unary")), streaming);
	}

	/** Behaves as the function says. */
	public static ScriptedProvider of(String name, Function<ChatRequest, Mono<ChatResponse>> behaviour) {
		return new ScriptedProvider(name, Duration.ofSeconds(10), behaviour);
	}

	/** Never answers. */
	public static ScriptedProvider hanging(String name, Duration timeout) {
		return new ScriptedProvider(name, timeout, (request) -> Mono.never());
	}

	/** Answers at once with the given text. */
	public static ScriptedProvider answering(String name, String text) {
		return new ScriptedProvider(name, Duration.ofSeconds(10), (request) -> Mono
			.just(new ChatResponse(text, "stop", new TokenUsage(10, 20), name, "model-" + name, Duration.ZERO)));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ProviderType type() {
		return ProviderType.OPENAI;
	}

	@Override
	public String model() {
		return "model-" + this.name;
	}

	@Override
	public int maxTokens() {
		return 4096;
	}

	@Override
	public Duration timeout() {
		this.onTimeoutRead.run();
		return this.timeout;
	}

	/**
	 * Runs the hook whenever a chain reads the timeout, which it does when it has chosen
	 * this provider for an attempt and before it calls it: a point to make another
	 * request overtake this one.
	 */
	public void onTimeoutRead(Runnable hook) {
		this.onTimeoutRead = hook;
	}

	@Override
	public Mono<ChatResponse> chat(ChatRequest request) {
		return Mono.defer(() -> {
			this.received.add(request);
			return this.behaviour.apply(request);
		});
	}

	@Override
	public Flux<ChatChunk> stream(ChatRequest request) {
		return Flux.defer(() -> {
			this.received.add(request);
			return this.streaming.apply(request);
		});
	}

	public List<ChatRequest> received() {
		return this.received;
	}

}
