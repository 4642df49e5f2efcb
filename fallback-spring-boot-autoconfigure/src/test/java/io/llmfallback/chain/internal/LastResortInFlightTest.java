package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.observation.ObservationRegistry;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Last resorts whose timing matters, on in-memory providers that answer only when the
 * test releases them and breakers on a clock the test moves: nothing here depends on how
 * fast the machine runs.
 */
class LastResortInFlightTest {

	private final MutableClock clock = new MutableClock();

	private final List<String> transitions = new CopyOnWriteArrayList<>();

	/**
	 * Releases every call made to a provider that {@link #answersWhenReleased answers
	 * when released}.
	 */
	private final Sinks.Empty<Void> release = Sinks.empty();

	private final Map<String, Function<ChatRequest, Mono<ChatResponse>>> behaviour = new LinkedHashMap<>();

	private final AtomicBoolean guardrailDown = new AtomicBoolean();

	private ProviderCircuitBreakers breakers;

	@Test
	void whileALastResortIsInFlightAnotherRequestFailsAtOnce() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a);
		CompletableFuture<ChainResponse> lastResort = lastResortInFlight(chain);
		this.clock.advance(ProviderCircuitBreakers.LAST_RESORT_SPACING);

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
				.containsExactly("short-circuited"));
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
		assertThat(lastResort).isNotDone();

		this.release.tryEmitEmpty();
		assertThat(lastResort.join().text()).isEqualTo("from a");
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		assertThat(a.received()).hasSize(4);
	}

	/**
	 * The last resort never moves the breaker while it runs, so there is no
	 * check-then-transition for Resilience4j's own open to half-open transition to slip
	 * into: the breaker hands out its half-open probe itself, once, while the last resort
	 * is in flight, and a third request calls nobody.
	 */
	@Test
	void theBreakersOwnHalfOpenProbeIsHandedOutOnceBesideALastResortInFlight() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a);
		CompletableFuture<ChainResponse> lastResort = lastResortInFlight(chain);

		// The open duration is over: Resilience4j turns the breaker half-open and lets
		// this request probe.
		this.clock.advance(Duration.ofSeconds(61));
		CompletableFuture<ChainResponse> probe = chain.chat(ChatRequest.ofUser("hello")).toFuture();
		assertThat(this.breakers.state("a")).isEqualTo(State.HALF_OPEN);
		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
				.containsExactly("short-circuited"));

		this.release.tryEmitEmpty();
		assertThat(lastResort.join().attempts()).extracting(AttemptRecord::lastResort).containsExactly(false, true);
		assertThat(probe.join().attempts()).extracting(AttemptRecord::lastResort).containsExactly(false);
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		// The probe's success found the breaker closed by the last resort: no
		// closed-to-closed transition.
		assertThat(this.transitions).containsExactly("a CLOSED->OPEN", "a OPEN->HALF_OPEN", "a HALF_OPEN->CLOSED");
		assertThat(a.received()).hasSize(5);
	}

	@Test
	void aFailingAttemptMiddlewareDuringALastResortLeavesTheBreakerOpenForTheProviderWasNeverCalled() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a);
		openBreakers(chain);
		answersWhenReleased("a");
		a.received().clear();
		this.guardrailDown.set(true);

		assertThatIllegalStateException().isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block())
			.withMessage("guardrail down");

		assertThat(a.received()).isEmpty();
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
		assertThat(this.transitions).containsExactly("a CLOSED->OPEN");
	}

	@Test
	void aClockSteppingBackMakesTheNextLastResortDueAtOnce() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a);
		openBreakers(chain);
		assertThat(lastResortLabels(chain)).containsExactly(tuple("short-circuited", false),
				tuple("server-error", true));
		// Within the spacing: no last resort.
		assertThat(lastResortLabels(chain)).containsExactly(tuple("short-circuited", false));

		this.clock.advance(Duration.ofHours(-1));

		assertThat(lastResortLabels(chain)).containsExactly(tuple("short-circuited", false),
				tuple("server-error", true));
		assertThat(a.received()).hasSize(5);
	}

	@Test
	void aLastResortEndingAfterTheBreakerWasForcedOpenLeavesItForcedOpen() {
		CompletableFuture<ChainResponse> lastResort = lastResortInFlight(chain(provider("a")));
		this.breakers.registry().circuitBreaker("a").transitionToForcedOpenState();

		this.release.tryEmitEmpty();

		assertThat(lastResort.join().text()).isEqualTo("from a");
		assertThat(this.breakers.state("a")).isEqualTo(State.FORCED_OPEN);
		assertThat(this.transitions).containsExactly("a CLOSED->OPEN", "a OPEN->FORCED_OPEN");
	}

	@Test
	void aForcedOpenBreakerGetsNoLastResort() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a);
		answersWhenReleased("a");
		this.breakers.registry().circuitBreaker("a").transitionToForcedOpenState();

		assertThat(lastResortLabels(chain)).containsExactly(tuple("short-circuited", false));
		assertThat(a.received()).isEmpty();
	}

	/**
	 * What a last resort's success does when Resilience4j's own probe closed the breaker
	 * just before it: Resilience4j publishes no transition to the same state, so no
	 * spurious WARN, event or count.
	 */
	@Test
	void closingABreakerThatIsClosedIsNoTransition() {
		chain(provider("a"));

		this.breakers.registry().circuitBreaker("a").transitionToClosedState();

		assertThat(this.transitions).isEmpty();
	}

	/**
	 * A request that chose provider a for its last resort and finds a's slot taken by
	 * another request before it could take it: the other request is started at the moment
	 * in between, when the chain reads a's timeout for the call.
	 */
	@Test
	void aRequestThatLosesTheRaceForOneProvidersLastResortGetsItsLastResortOnAnother() {
		ScriptedProvider a = provider("a");
		FallbackChain chain = chain(a, provider("b"));
		openBreakers(chain);
		answersWhenReleased("a");
		this.behaviour.put("b", (request) -> Mono.just(response("b")));
		AtomicInteger timeoutReads = new AtomicInteger();
		List<CompletableFuture<ChainResponse>> competitor = new CopyOnWriteArrayList<>();
		a.onTimeoutRead(() -> {
			// The first read is for the request's own attempt, the second for its last
			// resort.
			if (timeoutReads.incrementAndGet() == 2) {
				competitor.add(chain.chat(ChatRequest.ofUser("hello")).toFuture());
			}
		});

		ChainResponse response = chain.chat(ChatRequest.ofUser("hello")).block();

		assertThat(response.text()).isEqualTo("from b");
		assertThat(response.attempts())
			.extracting(AttemptRecord::provider, AttemptRecord::label, AttemptRecord::lastResort)
			.containsExactly(tuple("a", "short-circuited", false), tuple("b", "short-circuited", false),
					tuple("a", "short-circuited", true), tuple("b", "success", true));
		assertThat(competitor).singleElement().satisfies((other) -> assertThat(other).isNotDone());
		this.release.tryEmitEmpty();
		assertThat(competitor.get(0).join().text()).isEqualTo("from a");
		assertThat(this.breakers.state("a")).isEqualTo(State.CLOSED);
		assertThat(this.breakers.state("b")).isEqualTo(State.CLOSED);
	}

	/** Three requests, every provider down: every breaker opens. */
	private void openBreakers(FallbackChain chain) {
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(ChainExhaustedException.class)
				.isThrownBy(() -> chain.chat(ChatRequest.ofUser("hello")).block());
		}
		this.behaviour.keySet().forEach((name) -> assertThat(this.breakers.state(name)).isEqualTo(State.OPEN));
	}

	/**
	 * Opens the breaker of the chain's one provider, then starts a request whose last
	 * resort the provider answers when released: the last resort holds the provider's one
	 * last-resort slot until then, and leaves the breaker open meanwhile.
	 */
	private CompletableFuture<ChainResponse> lastResortInFlight(FallbackChain chain) {
		openBreakers(chain);
		answersWhenReleased("a");
		CompletableFuture<ChainResponse> lastResort = chain.chat(ChatRequest.ofUser("hello")).toFuture();
		assertThat(this.breakers.state("a")).isEqualTo(State.OPEN);
		return lastResort;
	}

	/**
	 * The label and last-resort flag of every attempt of a request that no provider
	 * served.
	 */
	private List<Tuple> lastResortLabels(FallbackChain chain) {
		ChainExhaustedException ex = catchThrowableOfType(ChainExhaustedException.class,
				() -> chain.chat(ChatRequest.ofUser("hello")).block());
		return ex.getAttempts().stream().map((attempt) -> tuple(attempt.label(), attempt.lastResort())).toList();
	}

	/** A provider that is down (HTTP 503) until the test says otherwise. */
	private ScriptedProvider provider(String name) {
		this.behaviour.put(name, (request) -> Mono
			.error(new ProviderException(name, FailureCategory.SERVER_ERROR, 503, null, "overloaded", null)));
		return ScriptedProvider.of(name, (request) -> this.behaviour.get(name).apply(request));
	}

	private void answersWhenReleased(String name) {
		this.behaviour.put(name, (request) -> this.release.asMono().then(Mono.fromSupplier(() -> response(name))));
	}

	private static ChatResponse response(String name) {
		return new ChatResponse("from " + name, "stop", new TokenUsage(10, 20), name, "model-" + name, Duration.ZERO);
	}

	private FallbackChain chain(LlmProvider... providers) {
		Map<String, BreakerSettings> settings = new LinkedHashMap<>();
		for (LlmProvider provider : providers) {
			settings.put(provider.name(), BreakerSettings.DEFAULTS);
		}
		this.breakers = new ProviderCircuitBreakers(settings, this.clock, (transition) -> this.transitions
			.add(transition.provider() + " " + transition.from() + "->" + transition.to()));
		ChainMiddleware guardrail = new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.ATTEMPT;
			}

			@Override
			public Mono<ChatRequest> onRequest(ChatRequest request) {
				return LastResortInFlightTest.this.guardrailDown.get()
						? Mono.error(new IllegalStateException("guardrail down")) : Mono.just(request);
			}

		};
		ChainSettings chainSettings = new ChainSettings("test", settings.keySet().stream().toList(),
				Duration.ofSeconds(20), 2048, ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true);
		return new DefaultFallbackChain(chainSettings, List.of(providers), this.breakers, Map.of(), (outcome) -> {
		}, new ChainExtensions(List.of(guardrail), ObservationRegistry.NOOP, false));
	}

}
