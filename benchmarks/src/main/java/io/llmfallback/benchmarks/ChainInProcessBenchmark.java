package io.llmfallback.benchmarks;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ChainExtensions;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.observe.internal.AlertSettings;
import io.llmfallback.observe.internal.ChainMeters;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.internal.LlmProviders;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * The chain's own cost with the network taken out, and where it goes. The provider is an
 * in-memory {@link LlmProvider} that answers at once (on the calling thread), so what
 * remains is the chain's work:
 * <ul>
 * <li>{@link #stubProvider()}: the provider call alone, the baseline;</li>
 * <li>{@link #stubProviderWithTimeout()}: plus the {@code Mono.timeout} the chain puts on
 * every attempt (a timer scheduled on Reactor's parallel scheduler, then cancelled);</li>
 * <li>{@link #stubProviderInBreaker()}: plus the provider's circuit breaker (Spring Cloud
 * CircuitBreaker's reactive Resilience4j wrapper: permission, outcome recording);</li>
 * <li>{@link #chain()}: the whole {@link FallbackChain}: both of the above, the deadline,
 * the attempt record, the {@link ChainResponse}, the cost and the listener.</li>
 * <li>{@link #instrumentedChain()}: the same chain instrumented as the starter
 * instruments it in an application: the six rolling signals ({@link FallbackSignals}),
 * the Micrometer meters ({@link ChainMeters}, with the starter's filter for
 * observation-derived meters) and request and attempt observations on a live
 * {@link ObservationRegistry} whose handler reads every observation's attributes, as a
 * tracing bridge does (span export itself is left out: it is batched off the request
 * path).</li>
 * </ul>
 * {@link ChainOverheadBenchmark} measures the same chain over HTTP; this one says what
 * its extra microseconds are made of, with far less noise than a loopback round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 4, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class ChainInProcessBenchmark {

	static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

	private LlmProvider provider;

	private ProviderCircuitBreakers breakers;

	private FallbackChain chain;

	private FallbackChain instrumentedChain;

	private ChatRequest request;

	@Setup(Level.Trial)
	public void setUp() {
		LlmProvider primary = new InstantProvider("primary", ChainOverheadBenchmark.ANSWER);
		LlmProvider secondary = new InstantProvider("secondary", ChainOverheadBenchmark.ANSWER);
		this.provider = primary;
		this.breakers = new ProviderCircuitBreakers(
				Map.of("primary", BreakerSettings.DEFAULTS, "secondary", BreakerSettings.DEFAULTS), Clock.systemUTC(),
				(transition) -> {
				});
		ChainSettings settings = new ChainSettings("bench", List.of("primary", "secondary"), Duration.ofSeconds(30),
				256, ChainSettings.DEFAULT_FALLBACK_ON);
		Pricing price = new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"));
		this.chain = new DefaultFallbackChain(settings, List.of(primary, secondary), this.breakers,
				Map.of("primary", price, "secondary", price), new ChainStatistics());
		this.instrumentedChain = instrumented(settings, List.of(primary, secondary), price);
		this.request = new ChatRequest(List.of(ChatMessage.system(ChainOverheadBenchmark.SYSTEM_PROMPT),
				ChatMessage.user(ChainOverheadBenchmark.USER_PROMPT)), null, null, null, ResponseFormat.TEXT);
	}

	@Benchmark
	public ChatResponse stubProvider() {
		return this.provider.chat(this.request).block();
	}

	@Benchmark
	public ChatResponse stubProviderWithTimeout() {
		return this.provider.chat(this.request)
			.timeout(ATTEMPT_TIMEOUT, Mono.error(IllegalStateException::new))
			.block();
	}

	@Benchmark
	public ChatResponse stubProviderInBreaker() {
		return this.breakers.protect("primary", this.provider.chat(this.request)).block();
	}

	@Benchmark
	public ChainResponse chain() {
		return this.chain.chat(this.request).block();
	}

	@Benchmark
	public ChainResponse instrumentedChain() {
		return this.instrumentedChain.chat(this.request).block();
	}

	private static FallbackChain instrumented(ChainSettings settings, List<LlmProvider> providers, Pricing price) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		meters.config().meterFilter(ChainMeters.observationMetersFilter());
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		LlmProviders registry = new LlmProviders(providers);
		ChainMeters chainMeters = new ChainMeters(meters, registry);
		FallbackSignals signals = new FallbackSignals(List.of(settings.name()), List.of("primary", "secondary"),
				AlertSettings.DEFAULTS, Clock.systemUTC(), (transition) -> {
				});
		ChainStatistics statistics = new ChainStatistics();
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of("primary", BreakerSettings.DEFAULTS, "secondary", BreakerSettings.DEFAULTS), Clock.systemUTC(),
				chainMeters);
		return new DefaultFallbackChain(settings, providers, breakers, Map.of("primary", price, "secondary", price),
				(outcome) -> {
					statistics.onOutcome(outcome);
					signals.onOutcome(outcome);
					chainMeters.onOutcome(outcome);
				}, new ChainExtensions(List.of(), observations, false));
	}

}
