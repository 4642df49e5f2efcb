package io.llmfallback.benchmarks.outage;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import io.llmfallback.benchmarks.outage.Phase.PrimaryBehaviour;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * One provider of one variant: a Reactor Netty server on its own loopback port, so that
 * each variant's client keeps a connection pool per provider as it would against two real
 * hosts. It serves its role's one path, answers after a lognormal delay
 * ({@code Mono.delay}: a hanging or waiting request holds no thread), and, as the
 * primary, follows the phase schedule. It counts what it receives per phase: requests,
 * its own answer delays and the most connections open at once.
 */
final class SimulatedProvider implements AutoCloseable {

	/** How long the primary takes to refuse (503, 429): an error is quick. */
	private static final Duration REFUSAL_LATENCY = Duration.ofMillis(20);

	private final ProviderRole role;

	private final PhaseSchedule schedule;

	private final Duration retryAfter;

	private final DisposableServer server;

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicIntegerArray maxOpenConnections;

	private final AtomicLongArray requests;

	private final Samples[] answerDelays;

	/**
	 * The run's origin in {@link System#nanoTime()}; before the run starts, warm-up
	 * traffic is served healthy.
	 */
	private volatile long origin = Long.MAX_VALUE;

	SimulatedProvider(ProviderRole role, PhaseSchedule schedule, Duration retryAfter, LoopResources loops) {
		this.role = role;
		this.schedule = schedule;
		this.retryAfter = retryAfter;
		int phases = schedule.phases().size();
		this.maxOpenConnections = new AtomicIntegerArray(phases);
		this.requests = new AtomicLongArray(phases);
		this.answerDelays = new Samples[phases];
		for (int i = 0; i < phases; i++) {
			this.answerDelays[i] = new Samples();
		}
		this.server = HttpServer.create()
			.runOn(loops)
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				this.openConnections.incrementAndGet();
				channel.closeFuture().addListener((closed) -> this.openConnections.decrementAndGet());
			})
			.route((routes) -> routes.post(role.path(),
					(request, response) -> request.receive().aggregate().then(Mono.defer(() -> answer(response)))))
			.bindNow();
	}

	/** The base URL of this provider, e.g. {@code http://127.0.0.1:40123}. */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	ProviderRole role() {
		return this.role;
	}

	/**
	 * From now on, follow the schedule and count; the origin is in
	 * {@link System#nanoTime()}.
	 */
	void start(long originNanos) {
		this.origin = originNanos;
	}

	long requests(int phase) {
		return this.requests.get(phase);
	}

	int maxOpenConnections(int phase) {
		return this.maxOpenConnections.get(phase);
	}

	/**
	 * The delays this provider chose for its answers to requests received in that phase.
	 */
	Samples answerDelays(int phase) {
		return this.answerDelays[phase];
	}

	private Mono<Void> answer(HttpServerResponse response) {
		long now = System.nanoTime();
		int phase = (now >= this.origin) ? this.schedule.indexAt(now - this.origin) : -1;
		PrimaryBehaviour behaviour = PrimaryBehaviour.HEALTHY;
		if (phase >= 0) {
			this.requests.incrementAndGet(phase);
			this.maxOpenConnections.accumulateAndGet(phase, this.openConnections.get(), Math::max);
			if (this.role == ProviderRole.PRIMARY) {
				behaviour = this.schedule.phases().get(phase).primary();
			}
		}
		return switch (behaviour) {
			case HEALTHY -> {
				long delay = lognormalDelayNanos();
				if (phase >= 0) {
					this.answerDelays[phase].add(delay);
				}
				yield Mono.delay(Duration.ofNanos(delay)).then(send(response, HttpResponseStatus.OK, success()));
			}
			case HANG -> Mono.never();
			case SERVER_ERROR -> Mono.delay(REFUSAL_LATENCY)
				.then(send(response, HttpResponseStatus.SERVICE_UNAVAILABLE, WireFormats.openAiOverloaded()));
			case RATE_LIMITED -> Mono.delay(REFUSAL_LATENCY)
				.then(send(
						response.header("retry-after", Long.toString(this.retryAfter.toSeconds()))
							.header("retry-after-ms", Long.toString(this.retryAfter.toMillis())),
						HttpResponseStatus.TOO_MANY_REQUESTS,
						WireFormats.openAiRateLimited(this.role.model(), this.retryAfter)));
		};
	}

	private String success() {
		return (this.role == ProviderRole.PRIMARY) ? WireFormats.openAiCompletion(this.role.model())
				: WireFormats.anthropicMessage(this.role.model());
	}

	private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String body) {
		return Mono.defer(() -> response.status(status)
			.header("content-type", "application/json")
			.sendString(Mono.just(body))
			.then());
	}

	/** The median times e^(sigma Z), Z standard normal. */
	private long lognormalDelayNanos() {
		double factor = Math.exp(this.role.sigma() * ThreadLocalRandom.current().nextGaussian());
		return (long) (this.role.medianLatency().toNanos() * factor);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
