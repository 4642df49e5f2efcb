package io.llmfallback.chain.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.networknt.schema.Schema;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.OpenAiStubs;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The chain over real HTTP: two or three OpenAI-format providers on WireMock servers on
 * loopback.
 */
class FallbackChainHttpTest {

	private final List<WireMockServer> servers = new ArrayList<>();

	private final MutableClock clock = new MutableClock();

	private final List<BreakerTransition> transitions = new ArrayList<>();

	private ProviderCircuitBreakers breakers;

	private WireMockServer primary;

	private WireMockServer secondary;

	@BeforeEach
	void startProviders() {
		this.primary = start();
		this.secondary = start();
	}

	@AfterEach
	void stopProviders() {
		this.servers.forEach(WireMockServer::stop);
	}

	static Stream<Arguments> fallbackCategories() {
		return Stream.of(Arguments.of(FailureCategory.TIMEOUT, aResponse().withFixedDelay(3_000).withStatus(200)),
				Arguments.of(FailureCategory.CONNECTION, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
				Arguments.of(FailureCategory.RATE_LIMITED,
						OpenAiStubs.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o")
							.withHeader("retry-after", "2")),
				Arguments.of(FailureCategory.OVERLOADED,
						OpenAiStubs.error(503, "server_error", "", "The engine is currently overloaded")),
				Arguments.of(FailureCategory.SERVER_ERROR,
						OpenAiStubs.error(500, "server_error", "", "The server had an error")),
				Arguments.of(FailureCategory.INVALID_RESPONSE,
						aResponse().withStatus(200)
							.withHeader("Content-Type", "application/json")
							.withBody("{\"id\":")),
				Arguments.of(FailureCategory.CONTEXT_LENGTH,
						OpenAiStubs.error(400, "invalid_request_error", "context_length_exceeded",
								"This model's maximum context length is 128000 tokens.")),
				Arguments.of(FailureCategory.EMPTY_RESPONSE, OpenAiStubs.completion("", 12, 0)),
				Arguments.of(FailureCategory.RESPONSE_TOO_LARGE, OpenAiStubs.completion("x".repeat(2 << 20), 12, 5)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fallbackCategories")
	void fallsOverOnEveryDefaultFallbackCategory(FailureCategory category, ResponseDefinitionBuilder failure) {
		this.primary.stubFor(OpenAiStubs.chatCompletion().willReturn(failure));
		OpenAiStubs.healthy(this.secondary, "from the fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		ChainResponse response = chain.chat(ChatRequest.ofUser("hello")).block();

		assertThat(response.text()).isEqualTo("from the fallback");
		assertThat(response.response().provider()).isEqualTo("p1");
		assertThat(response.isFallback()).isTrue();
		assertThat(response.attempts()).extracting(AttemptRecord::label)
			.containsExactly(category.wireName(), "success");
	}

	@Test
	void keepsTheProvidersRetryAfterOnTheAttempt() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(429, "requests", "rate_limit_exceeded", "slow down")
				.withHeader("retry-after", "7")));
		OpenAiStubs.healthy(this.secondary, "ok");

		ChainResponse response = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary)
			.chat(ChatRequest.ofUser("hello"))
			.block();

		assertThat(response.attempts().get(0).retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(response.attempts().get(0).httpStatus()).isEqualTo(429);
	}

	@Test
	void badRequestOnThePrimaryEndsTheRequestWithoutCallingTheFallback() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(400, "invalid_request_error", "", "Invalid value for 'temperature'")));
		OpenAiStubs.healthy(this.secondary, "never served");

		assertThatExceptionOfType(ChainAbortedException.class)
			.isThrownBy(() -> chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary)
				.chat(ChatRequest.ofUser("hello"))
				.block())
			.satisfies((ex) -> {
				assertThat(ex.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
				assertThat(ex.getAttempts()).extracting(AttemptRecord::label).containsExactly("bad-request");
			});
		this.secondary.verify(0, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void authFailureDoesNotFallOverByDefault() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(
					OpenAiStubs.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided")));
		OpenAiStubs.healthy(this.secondary, "never served");

		assertThatExceptionOfType(ChainAbortedException.class)
			.isThrownBy(() -> chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary)
				.chat(ChatRequest.ofUser("hello"))
				.block())
			.satisfies((ex) -> assertThat(ex.getCategory()).isEqualTo(FailureCategory.AUTH));
		this.secondary.verify(0, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void badRequestFallsOverWhenTheChainSaysSo() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(400, "invalid_request_error", "", "Unsupported parameter")));
		OpenAiStubs.healthy(this.secondary, "served");

		ChainResponse response = chain(Set.of(FailureCategory.BAD_REQUEST), this.primary, this.secondary)
			.chat(ChatRequest.ofUser("hello"))
			.block();

		assertThat(response.text()).isEqualTo("served");
	}

	@Test
	void exhaustionListsEveryAttemptWithProviderCategoryStatusAndDuration() {
		WireMockServer third = start();
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "boom")));
		this.secondary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(429, "requests", "rate_limit_exceeded", "slow down")));
		third.stubFor(OpenAiStubs.chatCompletion().willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary, third)
				.chat(ChatRequest.ofUser("hello"), "summarize")
				.block())
			.satisfies((ex) -> {
				assertThat(ex.getChain()).isEqualTo("test");
				assertThat(ex.getOperation()).isEqualTo("summarize");
				assertThat(ex.getAttempts()).extracting(AttemptRecord::provider).containsExactly("p0", "p1", "p2");
				assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("server-error", "rate-limited", "connection");
				assertThat(ex.getAttempts()).extracting(AttemptRecord::httpStatus).containsExactly(500, 429, null);
				assertThat(ex.getAttempts()).allSatisfy((attempt) -> assertThat(attempt.duration()).isPositive());
				assertThat(ex.getMessage()).contains("p0=server-error HTTP 500", "p1=rate-limited HTTP 429",
						"p2=connection");
			});
	}

	@Test
	void capsOutputTokensOnTheFallbackOnly() {
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(503, "server_error", "", "overloaded")));
		OpenAiStubs.healthy(this.secondary, "short answer");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		chain.chat(ChatRequest.ofUser("hello").withMaxTokens(4000)).block();
		chain.chat(ChatRequest.ofUser("hello").withMaxTokens(300)).block();
		chain.chat(ChatRequest.ofUser("hello")).block();

		this.primary.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("4000"))));
		this.secondary.verify(2, postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("2048"))));
		this.secondary.verify(1, postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("300"))));
		this.primary.verify(1, postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
			.withRequestBody(matchingJsonPath("$.max_tokens", equalTo("4096"))));
	}

	@Test
	void breakerOpensAfterThreeFailuresSkipsTheProviderThenLetsOneHalfOpenProbeThrough() {
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		for (int i = 0; i < 3; i++) {
			assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);
			chain.chat(ChatRequest.ofUser("hello")).block();
		}
		assertThat(this.breakers.state("p0")).isEqualTo(State.OPEN);

		ChainResponse whileOpen = chain.chat(ChatRequest.ofUser("hello")).block();
		assertThat(whileOpen.attempts()).extracting(AttemptRecord::label).containsExactly("short-circuited", "success");
		assertThat(whileOpen.attempts().get(0).duration()).isZero();
		this.primary.verify(3, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));

		this.clock.advance(Duration.ofSeconds(59));
		chain.chat(ChatRequest.ofUser("hello")).block();
		this.primary.verify(3, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));

		OpenAiStubs.healthy(this.primary, "primary is back");
		this.clock.advance(Duration.ofSeconds(2));
		ChainResponse probe = chain.chat(ChatRequest.ofUser("hello")).block();

		assertThat(probe.text()).isEqualTo("primary is back");
		assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);
		assertThat(this.transitions).extracting((t) -> t.from() + "->" + t.to())
			.containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
		assertThat(this.transitions).allSatisfy((t) -> assertThat(t.provider()).isEqualTo("p0"));
	}

	@Test
	void threeConsecutiveFailuresOpenTheBreakerWhateverSucceededBefore() {
		OpenAiStubs.healthy(this.primary, "fine");
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);
		for (int i = 0; i < 5; i++) {
			chain.chat(ChatRequest.ofUser("hello")).block();
		}
		this.clock.advance(Duration.ofSeconds(1));
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(503, "server_error", "", "overloaded")));

		for (int i = 0; i < 3; i++) {
			chain.chat(ChatRequest.ofUser("hello")).block();
		}

		assertThat(this.breakers.state("p0")).isEqualTo(State.OPEN);
	}

	@Test
	void aSuccessBreaksTheStreak() {
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);
		chain.chat(ChatRequest.ofUser("hello")).block();
		chain.chat(ChatRequest.ofUser("hello")).block();
		OpenAiStubs.healthy(this.primary, "fine");
		chain.chat(ChatRequest.ofUser("hello")).block();
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));

		chain.chat(ChatRequest.ofUser("hello")).block();
		chain.chat(ChatRequest.ofUser("hello")).block();

		assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);
		chain.chat(ChatRequest.ofUser("hello")).block();
		assertThat(this.breakers.state("p0")).isEqualTo(State.OPEN);
	}

	@Test
	void failuresSpreadBeyondTheWindowDoNotOpenTheBreaker() {
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		chain.chat(ChatRequest.ofUser("hello")).block();
		this.clock.advance(Duration.ofSeconds(20));
		chain.chat(ChatRequest.ofUser("hello")).block();
		this.clock.advance(Duration.ofSeconds(15));
		// 35 s after the streak began: the window is 30 s, so this failure starts a new
		// streak.
		chain.chat(ChatRequest.ofUser("hello")).block();
		assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);

		chain.chat(ChatRequest.ofUser("hello")).block();
		chain.chat(ChatRequest.ofUser("hello")).block();
		assertThat(this.breakers.state("p0")).isEqualTo(State.OPEN);
	}

	@Test
	void failedHalfOpenProbeOpensTheBreakerAgain() {
		this.primary
			.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.error(500, "server_error", "", "down")));
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);
		for (int i = 0; i < 3; i++) {
			chain.chat(ChatRequest.ofUser("hello")).block();
		}
		this.clock.advance(Duration.ofSeconds(61));

		chain.chat(ChatRequest.ofUser("hello")).block();

		assertThat(this.breakers.state("p0")).isEqualTo(State.OPEN);
		this.primary.verify(4, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void requestFailuresDoNotOpenTheBreaker() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(400, "invalid_request_error", "context_length_exceeded",
					"This model's maximum context length is 128000 tokens.")));
		OpenAiStubs.healthy(this.secondary, "fallback");
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		for (int i = 0; i < 5; i++) {
			chain.chat(ChatRequest.ofUser("hello")).block();
		}

		assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);
		this.primary.verify(5, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void anAnswerThatBreaksTheContractMovesOnAndItsBilledTokensAreCounted() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.completion("Sure! The summary is that it went well.", 1000, 100)));
		this.secondary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs
				.completion("{\\\"summary\\\":\\\"It went well.\\\",\\\"sentiment\\\":\\\"positive\\\"}", 10, 10)));
		FallbackChain chain = chain(contractSettings(OnViolation.NEXT_PROVIDER), this.primary, this.secondary);

		ChainResponse response = chain.chat(ChatRequest.ofUser("Summarize")).block();

		assertThat(response.isFallback()).isTrue();
		assertThat(response.isContractViolated()).isFalse();
		AttemptRecord violated = response.attempts().get(0);
		assertThat(violated.label()).isEqualTo("contract-violation");
		assertThat(violated.httpStatus()).isEqualTo(200);
		assertThat(violated.usage().inputTokens()).isEqualTo(1000);
		// p0 is priced at 2.50 / 10.00 USD per million tokens: 0.0025 + 0.001.
		assertThat(violated.costUsd()).isEqualByComparingTo("0.0035");
		assertThat(this.breakers.state("p0")).isEqualTo(State.CLOSED);
	}

	@Test
	void acceptAndFlagServesTheViolatingAnswerMarked() {
		this.primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("plain prose", 10, 10)));
		OpenAiStubs.healthy(this.secondary, "never asked");
		FallbackChain chain = chain(contractSettings(OnViolation.ACCEPT_AND_FLAG), this.primary, this.secondary);

		ChainResponse response = chain.chat(ChatRequest.ofUser("Summarize")).block();

		assertThat(response.isFallback()).isFalse();
		assertThat(response.text()).isEqualTo("plain prose");
		assertThat(response.contractViolations()).containsExactly("output is not JSON");
		this.secondary.verify(0, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void whenEveryAnswerBreaksTheContractTheChainIsExhausted() {
		this.primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("prose", 10, 10)));
		this.secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("more prose", 10, 10)));

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain(contractSettings(OnViolation.NEXT_PROVIDER), this.primary, this.secondary)
				.chat(ChatRequest.ofUser("Summarize"))
				.block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
				.containsExactly("contract-violation", "contract-violation"));
	}

	record Sentiment(String summary, String sentiment) {
	}

	@Test
	void anAnswerThatDoesNotMapOntoTheRequestedTypeMovesOnAndTheServedOneIsMapped() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.completion("{\\\"summary\\\":\\\"It went well.\\\"}", 10, 10)));
		this.secondary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.completion("{\\\"summary\\\":\\\"Fine.\\\",\\\"sentiment\\\":\\\"positive\\\"}", 10,
					10)));
		FallbackChain chain = chain(ChainSettings.DEFAULT_FALLBACK_ON, this.primary, this.secondary);

		ChainResponse response = chain
			.chat(ChatRequest.ofUser("Summarize"), "summarize", ResultMapping.to(Sentiment.class))
			.block();

		assertThat(response.entity(Sentiment.class)).isEqualTo(new Sentiment("Fine.", "positive"));
		assertThat(response.isFallback()).isTrue();
		AttemptRecord violated = response.attempts().get(0);
		assertThat(violated.label()).isEqualTo("contract-violation");
		assertThat(violated.contract().violations()).containsExactly("Sentiment.sentiment is missing from the output");
		assertThat(violated.contract().fieldCoverage()).isEqualTo(0.5);
		assertThat(response.attempts().get(1).contract()).isEqualTo(new ContractCheck(List.of(), true, 1.0));
	}

	@Test
	void anAnswerThatDoesNotMapMovesOnEvenUnderAcceptAndFlag() {
		this.primary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("plain prose", 10, 10)));
		this.secondary.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("more prose", 10, 10)));

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> chain(contractSettings(OnViolation.ACCEPT_AND_FLAG), this.primary, this.secondary)
				.chat(ChatRequest.ofUser("Summarize"), "summarize", ResultMapping.to(Sentiment.class))
				.block())
			.satisfies((ex) -> {
				assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
					.containsExactly("contract-violation", "contract-violation");
				assertThat(ex.getAttempts().get(1).contract().violations()).containsExactly("output is not JSON",
						"output is not JSON, so it cannot be mapped onto Sentiment");
			});
	}

	@Test
	void aMappedAnswerThatBreaksTheSchemaIsServedFlaggedUnderAcceptAndFlag() {
		// The record maps, but the contract's schema wants the sentiment to be one of
		// three words.
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(
					OpenAiStubs.completion("{\\\"summary\\\":\\\"Fine.\\\",\\\"sentiment\\\":\\\"meh\\\"}", 10, 10)));
		Schema schema = OutputContract.parseSchema("""
				{"type":"object","properties":{"sentiment":{"enum":["positive","neutral","negative"]}}}""");
		ChainSettings settings = new ChainSettings("test", List.of("p0", "p1"), Duration.ofSeconds(20), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON,
				new OutputContract(schema, null, null, false, OnViolation.ACCEPT_AND_FLAG));

		ChainResponse response = chain(settings, this.primary, this.secondary)
			.chat(ChatRequest.ofUser("Summarize"), "summarize", ResultMapping.to(Sentiment.class))
			.block();

		assertThat(response.entity(Sentiment.class).sentiment()).isEqualTo("meh");
		assertThat(response.contractViolations()).singleElement().asString().startsWith("schema: /sentiment ");
		assertThatIllegalStateException().isThrownBy(() -> response.entity(String.class))
			.withMessageContaining("not mapped onto java.lang.String but onto " + Sentiment.class.getName());
	}

	@Test
	void responseMiddlewareThatRewritesTheAnswerRewritesTheTypedResultToo() {
		this.primary.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.completion(
					"{\\\"summary\\\":\\\"Call Ana on 555-0100.\\\",\\\"sentiment\\\":\\\"neutral\\\"}", 10, 10)));
		ChainMiddleware redaction = new ChainMiddleware() {

			@Override
			public Stage stage() {
				return Stage.RESPONSE;
			}

			@Override
			public Mono<ChatResponse> onResponse(ChatResponse response) {
				return Mono
					.just(new ChatResponse(response.text().replace("555-0100", "[phone]"), response.finishReason(),
							response.usage(), response.provider(), response.model(), response.latency()));
			}

		};
		FallbackChain chain = chain(
				new ChainSettings("test", List.of("p0"), Duration.ofSeconds(20), 2048,
						ChainSettings.DEFAULT_FALLBACK_ON),
				new ChainExtensions(List.of(redaction), ObservationRegistry.NOOP, false), this.primary);

		ChainResponse response = chain
			.chat(ChatRequest.ofUser("Summarize"), "summarize", ResultMapping.to(Sentiment.class))
			.block();

		assertThat(response.entity(Sentiment.class)).isEqualTo(new Sentiment("Call Ana on [phone].", "neutral"));
	}

	private static ChainSettings contractSettings(OnViolation onViolation) {
		Schema schema = OutputContract.parseSchema("""
				{"type":"object","properties":{"summary":{"type":"string"},"sentiment":{"type":"string"}},
				 "required":["summary","sentiment"]}""");
		return new ChainSettings("test", List.of("p0", "p1"), Duration.ofSeconds(20), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON, new OutputContract(schema, null, null, false, onViolation));
	}

	@Test
	void latencyBudgetBoundsAChainOfThreeHangingProviders() {
		WireMockServer third = start();
		for (WireMockServer server : List.of(this.primary, this.secondary, third)) {
			server.stubFor(OpenAiStubs.chatCompletion()
				.willReturn(OpenAiStubs.completion("late", 1, 1).withFixedDelay(5_000)));
		}
		// Each provider's own timeout (2 s) is longer than the whole budget.
		ChainSettings settings = new ChainSettings("test", List.of("p0", "p1", "p2"), Duration.ofMillis(300), 2048,
				ChainSettings.DEFAULT_FALLBACK_ON);

		assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(
					() -> chain(settings, this.primary, this.secondary, third).chat(ChatRequest.ofUser("hi")).block())
			.satisfies((ex) -> assertThat(ex.getAttempts()).extracting(AttemptRecord::label)
				.containsExactly("timeout", "budget-exhausted", "budget-exhausted"));
		third.verify(0, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	private WireMockServer start() {
		WireMockServer server = new WireMockServer(
				WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		this.servers.add(server);
		return server;
	}

	private FallbackChain chain(Set<FailureCategory> fallbackOn, WireMockServer... servers) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < servers.length; i++) {
			names.add("p" + i);
		}
		return chain(new ChainSettings("test", names, Duration.ofSeconds(20), 2048, fallbackOn), servers);
	}

	private FallbackChain chain(ChainSettings settings, WireMockServer... servers) {
		return chain(settings, ChainExtensions.NONE, servers);
	}

	private FallbackChain chain(ChainSettings settings, ChainExtensions extensions, WireMockServer... servers) {
		List<LlmProvider> providers = new ArrayList<>();
		for (int i = 0; i < servers.length; i++) {
			providers.add(LlmProviders.create(new ProviderSettings("p" + i, ProviderType.OPENAI,
					URI.create(servers[i].baseUrl()), "sk-test", "gpt-4o", Duration.ofSeconds(2), 4096, Map.of()),
					WebClient.builder()));
		}
		Map<String, BreakerSettings> breakerSettings = new java.util.LinkedHashMap<>();
		providers.forEach((provider) -> breakerSettings.put(provider.name(), BreakerSettings.DEFAULTS));
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(breakerSettings, this.clock,
				this.transitions::add);
		this.breakers = breakers;
		Pricing primaryPrice = new Pricing(new java.math.BigDecimal("2.50"), new java.math.BigDecimal("10.00"));
		return new DefaultFallbackChain(settings, providers, breakers, Map.of("p0", primaryPrice), (outcome) -> {
		}, extensions);
	}

}
