package io.llmfallback.chain.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRefusedException;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.VirtualTime;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard in front of an OpenAI-format provider over real HTTP on loopback: a request
 * over a limit never reaches the provider, and a 429's {@code retry-after} header keeps
 * requests away until it ends. The guard's time is virtual; the HTTP exchange is real.
 */
@ExtendWith(VirtualTime.class)
class ProviderGuardsHttpTest {

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final WireMockExtension server = WireMockProviders.server();

	private final VirtualTimeScheduler time;

	private ProviderGuards guards;

	private LlmProvider provider;

	ProviderGuardsHttpTest(VirtualTimeScheduler time) {
		this.time = time;
	}

	@Test
	void requestsOverTheRateAreNeverSent() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("hello", 12, 5)));
		guards(new RateLimitSettings(2, 0, true));

		answered(call(100));
		answered(call(100));
		refused(call(100));
		server.verify(2, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));

		this.time.advanceTimeBy(Duration.ofSeconds(30));
		answered(call(100));
		server.verify(3, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void theTokensAnAnswerReportsReplaceTheEstimate() {
		// Estimated at 100 tokens, billed 2,500: the next call of 100 finds the bucket
		// short by 100.
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("hello", 2_000, 500)));
		guards(new RateLimitSettings(0, 2_500, true));

		answered(call(100));
		refused(call(100));
		// 2,500 a minute: 100 more in 2.4 s.
		this.time.advanceTimeBy(Duration.ofMillis(2_399));
		refused(call(100));
		this.time.advanceTimeBy(Duration.ofMillis(1));
		answered(call(100));
		server.verify(2, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void aRetryAfterHeaderKeepsRequestsAwayUntilItEnds() {
		server.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(429, "requests", "rate_limit_exceeded", "Rate limit reached")
				.withHeader("retry-after", "5")));
		guards(RateLimitSettings.DEFAULTS);

		StepVerifier.create(call(100)).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(ProviderException.class);
			assertThat(((ProviderException) ex).getCategory()).isEqualTo(FailureCategory.RATE_LIMITED);
		}).verify(VERIFY_TIMEOUT);
		assertThat(this.guards.limitedFor("a")).isEqualTo(Duration.ofSeconds(5));

		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("hello", 12, 5)));
		this.time.advanceTimeBy(Duration.ofMillis(4_999));
		refused(call(100));
		server.verify(1, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
		this.time.advanceTimeBy(Duration.ofMillis(1));
		answered(call(100));
		server.verify(2, postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	private void guards(RateLimitSettings rates) {
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(Map.of("a", BreakerSettings.DEFAULTS),
				new MutableClock(), (transition) -> {
				});
		this.guards = new ProviderGuards(
				Map.of("a", new GuardSettings(Duration.ofSeconds(10), true, null, 3, 1000, RetrySettings.OFF, rates)),
				breakers);
		this.provider = LlmProviders
			.create(new ProviderSettings("a", ProviderType.OPENAI, URI.create("http://127.0.0.1:" + server.getPort()),
					"sk-test", "gpt-4o", Duration.ofSeconds(10), 1024, Map.of()), WebClient.builder());
	}

	private Mono<ChatResponse> call(long estimatedTokens) {
		return this.guards.guard("a", estimatedTokens, this.provider.chat(ChatRequest.ofUser("hi")));
	}

	private static void answered(Mono<ChatResponse> call) {
		StepVerifier.create(call)
			.assertNext((response) -> assertThat(response.text()).isEqualTo("hello"))
			.expectComplete()
			.verify(VERIFY_TIMEOUT);
	}

	private static void refused(Mono<ChatResponse> call) {
		StepVerifier.create(call)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AttemptRefusedException.class,
					(refusal) -> assertThat(refusal.getOutcome()).isEqualTo(AttemptOutcome.THROTTLED)))
			.verify(VERIFY_TIMEOUT);
	}

}
