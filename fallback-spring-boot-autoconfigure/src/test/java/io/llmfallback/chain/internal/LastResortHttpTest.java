package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAttemptObservationContext;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProvider;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A request that finds every provider's breaker open, over real HTTP: two OpenAI-format
 * providers simulated by the test kit, breakers opened by real failures on the breakers'
 * clock, meters and attempt observations captured as an application would record them.
 */
@ExtendWith(OutputCaptureExtension.class)
class LastResortHttpTest {

	private final BreakerChains chains = new BreakerChains();

	/** Every attempt observation, as a tracing handler receives it when it ends. */
	private final List<ChainAttemptObservationContext> attemptSpans = new CopyOnWriteArrayList<>();

	private final SimulatedProvider primary = this.chains.primary;

	private final SimulatedProvider fallback = this.chains.fallback;

	@AfterEach
	void stopProviders() {
		this.chains.close();
	}

	@Test
	void everyBreakerOpenMakesOneAttemptOnTheProviderOpenLongestAndTheCallerGetsItsAnswer() {
		FallbackChain chain = chain(true);
		openFallbackThenPrimary(chain);
		healthy(this.primary, "from the primary");
		healthy(this.fallback, "from the fallback");

		ChainResponse response = chain.chat(ChatRequest.ofUser("hello").withMaxTokens(4000)).block();

		assertThat(response.text()).isEqualTo("from the fallback");
		assertThat(response.attempts())
			.extracting(AttemptRecord::provider, AttemptRecord::label, AttemptRecord::lastResort)
			.containsExactly(tuple("p0", "short-circuited", false), tuple("p1", "short-circuited", false),
					tuple("p1", "success", true));
		assertThat(this.primary.requests()).isZero();
		// A fallback serving as the last resort is capped like any fallback.
		assertThat(this.fallback.requests()).isOne();
		assertThat(maxTokens(this.fallback)).isEqualTo(2048);
		// The attempt went past the open breaker, and its success closed it.
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.CLOSED);
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
		assertThat(this.chains.transitionsOf("p1")).containsExactly("CLOSED->OPEN", "OPEN->CLOSED");

		ChainAttemptObservationContext span = this.attemptSpans.get(this.attemptSpans.size() - 1);
		assertThat(span.getHighCardinalityKeyValues()).contains(KeyValue.of("llm.fallback.last_resort", "true"),
				KeyValue.of("llm.fallback.reason", "short-circuited"), KeyValue.of("llm.fallback.attempt", "1"),
				KeyValue.of("gen_ai.request.max_tokens", "2048"));
		assertThat(span.getLowCardinalityKeyValues()).contains(KeyValue.of("llm.fallback.provider", "p1"),
				KeyValue.of("llm.fallback.path", "fallback"));
		assertThat(this.attemptSpans).filteredOn(ChainAttemptObservationContext::lastResort).hasSize(1);

		assertThat(lastResortAttempts("p1", "success")).isEqualTo(1);
		assertThat(this.chains.registry.get("llm.fallback.requests")
			.tags("outcome", "success", "path", "fallback", "provider", "p1")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void whenThePrimaryHasBeenOpenLongestItServesWithoutTheFallbackCap() {
		FallbackChain chain = chain(true);
		openPrimaryThenFallback(chain);
		healthy(this.primary, "from the primary");
		healthy(this.fallback, "from the fallback");

		ChainResponse response = chain.chat(ChatRequest.ofUser("hello").withMaxTokens(4000)).block();

		assertThat(response.text()).isEqualTo("from the primary");
		assertThat(response.isFallback()).isFalse();
		assertThat(response.attempts()).extracting(AttemptRecord::label)
			.containsExactly("short-circuited", "short-circuited", "success");
		assertThat(this.primary.requests()).isOne();
		assertThat(maxTokens(this.primary)).isEqualTo(4000);
		assertThat(this.fallback.requests()).isZero();
		assertThat(this.attemptSpans.get(this.attemptSpans.size() - 1).getLowCardinalityKeyValues())
			.contains(KeyValue.of("llm.fallback.path", "primary"));
	}

	@Test
	void withLastResortOffTheRequestFailsAtOnceWithEveryAttemptShortCircuited() {
		FallbackChain chain = chain(false);
		openFallbackThenPrimary(chain);
		healthy(this.primary, "from the primary");
		healthy(this.fallback, "from the fallback");
		int transitionsBefore = this.chains.transitions.size();

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> {
				assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("short-circuited", "short-circuited");
				assertThat(ex.getAttempts()).allSatisfy((attempt) -> assertThat(attempt.duration()).isZero());
			});
		assertThat(this.primary.requests()).isZero();
		assertThat(this.fallback.requests()).isZero();
		assertThat(this.chains.transitions).hasSize(transitionsBefore);
		assertThat(this.chains.registry.find("llm.fallback.last_resort.attempts").counters()).isEmpty();
	}

	@Test
	void aFailedLastResortLeavesItsBreakerOpenAndTheNextRequestTriesTheOtherProvider() {
		FallbackChain chain = chain(true);
		openFallbackThenPrimary(chain);
		this.chains.clock.advance(Duration.ofSeconds(1));
		int transitionsBefore = this.chains.transitions.size();

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> {
				assertThat(ex.getAttempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
					.containsExactly(tuple("p0", "short-circuited"), tuple("p1", "short-circuited"),
							tuple("p1", "server-error"));
				assertThat(ex.getMessage()).contains("p1=server-error HTTP 500 (").contains(" ms, last resort)");
			});
		// Tried a second after the primary opened: the primary has now waited longest.
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.OPEN);
		assertThat(this.chains.transitions).hasSize(transitionsBefore);

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
				.containsExactly(tuple("p0", "short-circuited"), tuple("p1", "short-circuited"),
						tuple("p0", "server-error")));
		assertThat(this.primary.requests()).isOne();
		assertThat(this.fallback.requests()).isOne();
		assertThat(lastResortAttempts("p1", "server-error")).isEqualTo(1);
		assertThat(lastResortAttempts("p0", "server-error")).isEqualTo(1);
	}

	@Test
	void whileEveryProviderStaysDownEachGetsOneLastResortASecondAndNothingIsLoggedOrCounted(CapturedOutput output) {
		FallbackChain chain = chain(true);
		openFallbackThenPrimary(chain);
		int transitionsBefore = this.chains.transitions.size();
		double transitionsCountedBefore = transitionsCounted();
		int outputBefore = output.getOut().length();

		// 1,000 requests, 10 ms apart: 10 s of traffic at 100 requests a second, every
		// one failing.
		int calledAProvider = 0;
		for (int i = 0; i < 1000; i++) {
			ChainExhaustedException failure = catchThrowableOfType(ChainExhaustedException.class,
					() -> chain.chat(ChatRequest.ofUser("hello")).block());
			if (failure.getAttempts().stream().anyMatch(AttemptRecord::lastResort)) {
				calledAProvider++;
			}
			else {
				assertThat(failure.getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("short-circuited", "short-circuited");
			}
			this.chains.clock.advance(Duration.ofMillis(10));
		}

		// One last resort a second on each: the fallback (open longest) at 0 s, 1 s, ...
		// 9 s, the primary 10 ms after each.
		assertThat(this.primary.requests()).isEqualTo(10);
		assertThat(this.fallback.requests()).isEqualTo(10);
		assertThat(calledAProvider).isEqualTo(20);
		assertThat(lastResortAttempts("p0", "server-error")).isEqualTo(10);
		assertThat(lastResortAttempts("p1", "server-error")).isEqualTo(10);
		// The failed last resorts moved no breaker: no transition, no line in the log, no
		// alert.
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.OPEN);
		assertThat(this.chains.transitions).hasSize(transitionsBefore);
		assertThat(transitionsCounted()).isEqualTo(transitionsCountedBefore);
		// Of this test's providers only: other tests' application contexts, cached in the
		// same JVM, keep moving their own breakers on Resilience4j's timer thread.
		assertThat(output.getOut()
			.substring(outputBefore)
			.lines()
			.filter((line) -> line.contains("WARN") && (line.contains("p0") || line.contains("p1")))).isEmpty();
	}

	@Test
	void aLastResortTheProviderRejectsStillClosesItsBreakerForTheProviderIsUp() {
		FallbackChain chain = chain(true, List.of("p0"));
		openPrimary(chain);
		this.primary.inject(Fault.contextLengthExceeded());

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label, AttemptRecord::lastResort)
				.containsExactly(tuple("short-circuited", false), tuple("context-length", true)));
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.CLOSED);
	}

	@Test
	void aPrimaryWithoutTheCapabilityStaysSkippedAndTheOpenFallbackIsTheLastResort() {
		this.chains.primaryCapabilities = new ProviderCapabilities(false, true, true, 128_000);
		FallbackChain chain = chain(true);
		ChatRequest toolRequest = ChatRequest.ofUser("What is the weather in Oslo?")
			.withTools(List.of(new ToolDefinition("get_weather", "The weather in a city", "{\"type\":\"object\"}")),
					null);
		down(this.fallback);
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(ChainExhaustedException.class).isThrownBy(() -> chain.chat(toolRequest).block())
				.satisfies(
						(ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::provider, AttemptRecord::label)
							.first()
							.isEqualTo(tuple("p0", "tools-unsupported")));
		}
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.OPEN);
		healthy(this.fallback, "from the fallback");

		ChainResponse response = chain.chat(toolRequest).block();

		assertThat(response.text()).isEqualTo("from the fallback");
		assertThat(response.attempts())
			.extracting(AttemptRecord::provider, AttemptRecord::label, AttemptRecord::lastResort)
			.containsExactly(tuple("p0", "tools-unsupported", false), tuple("p1", "short-circuited", false),
					tuple("p1", "success", true));
		assertThat(this.primary.requests()).isZero();
	}

	/**
	 * Opens the fallback's breaker, then 5 s later the primary's: the primary's
	 * context-length errors move on without counting towards its breaker while the
	 * fallback's 500s open it.
	 */
	private void openFallbackThenPrimary(FallbackChain chain) {
		this.primary.inject(Fault.contextLengthExceeded());
		down(this.fallback);
		failThreeTimes(chain);
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.OPEN);
		this.chains.clock.advance(Duration.ofSeconds(5));
		down(this.primary);
		failThreeTimes(chain);
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
		forgetRequests();
	}

	/** Opens the breaker of the primary, down, with three requests that called it. */
	private void openPrimary(FallbackChain chain) {
		down(this.primary);
		failThreeTimes(chain);
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
	}

	/**
	 * Opens the primary's breaker, the fallback serving, then 5 s later the fallback's.
	 */
	private void openPrimaryThenFallback(FallbackChain chain) {
		down(this.primary);
		healthy(this.fallback, "from the fallback");
		for (int i = 0; i < 3; i++) {
			assertThat(chain.chat(ChatRequest.ofUser("hello")).block().isFallback()).isTrue();
		}
		assertThat(this.chains.breakers.state("p0")).isEqualTo(State.OPEN);
		this.chains.clock.advance(Duration.ofSeconds(5));
		down(this.fallback);
		failThreeTimes(chain);
		assertThat(this.chains.breakers.state("p1")).isEqualTo(State.OPEN);
		forgetRequests();
	}

	/** Forgets the requests made so far, each provider keeping its fault. */
	private void forgetRequests() {
		for (SimulatedProvider provider : List.of(this.primary, this.fallback)) {
			Fault fault = provider.fault();
			provider.reset();
			provider.inject(fault);
		}
	}

	private static void down(SimulatedProvider provider) {
		provider.inject(Fault.ofStatus(500));
	}

	private static void healthy(SimulatedProvider provider, String answer) {
		provider.heal();
		provider.answerWith(answer);
	}

	/** The output-token cap of the last request the provider received. */
	private static int maxTokens(SimulatedProvider provider) {
		return JsonMapper.builder().build().readTree(provider.lastRequest().orElseThrow()).path("max_tokens").asInt();
	}

	/**
	 * Three requests that a provider was called for and that no provider served: no last
	 * resort is due.
	 */
	private void failThreeTimes(FallbackChain chain) {
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(ChainExhaustedException.class)
				.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
				.satisfies((ex) -> assertThat(ex.getAttempts()).noneMatch(AttemptRecord::lastResort));
		}
	}

	private double transitionsCounted() {
		return this.chains.registry.find("llm.fallback.breaker.transitions")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private double lastResortAttempts(String provider, String outcome) {
		return this.chains.registry.get("llm.fallback.last_resort.attempts")
			.tags("chain", "test", "provider", provider, "outcome", outcome)
			.counter()
			.count();
	}

	private FallbackChain chain(boolean lastResort) {
		return chain(lastResort, List.of("p0", "p1"));
	}

	private FallbackChain chain(boolean lastResort, List<String> providers) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof ChainAttemptObservationContext;
			}

			@Override
			public void onStop(Observation.Context context) {
				LastResortHttpTest.this.attemptSpans.add((ChainAttemptObservationContext) context);
			}

		});
		return this.chains.chain(new ChainSettings("test", providers, Duration.ofSeconds(20), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, lastResort), BreakerSettings.DEFAULTS,
				observations);
	}

}
