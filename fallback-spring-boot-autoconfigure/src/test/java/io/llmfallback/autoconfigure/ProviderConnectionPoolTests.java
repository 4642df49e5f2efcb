package io.llmfallback.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.internal.LlmProviders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Provider calls have a connection pool sized by the providers' bulkheads, not Reactor
 * Netty's global one of 500 connections a host: the bulkhead alone decides how many calls
 * a provider that hangs can hold.
 */
class ProviderConnectionPoolTests {

	private final AtomicInteger arrived = new AtomicInteger();

	private DisposableServer hangingServer;

	private final Disposable.Composite calls = Disposables.composite();

	@BeforeEach
	void startHangingServer() {
		this.hangingServer = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			this.arrived.incrementAndGet();
			return Mono.never();
		}).bindNow();
	}

	@AfterEach
	void stop() {
		this.calls.dispose();
		this.hangingServer.disposeNow();
	}

	@Test
	void thePoolAllowsAsManyConnectionsAHostAsTheProvidersMayHaveCallsInFlight() {
		runner()
			.withPropertyValues("llm.fallback.providers.gpt.max-concurrency=30",
					"llm.fallback.providers.claude.max-concurrency=12")
			.run((context) -> {
				LlmProvider provider = context.getBean(LlmProviders.class).get("gpt");
				for (int i = 0; i < 45; i++) {
					this.calls.add(provider.chat(ChatRequest.ofUser("hi")).subscribe((response) -> {
					}, (error) -> {
					}));
				}
				// Both providers may share a host: 30 + 12 connections, and the other 3
				// calls wait for one. The global pool would have let all 45 through.
				await().atMost(Duration.ofSeconds(10))
					.during(Duration.ofMillis(500))
					.untilAsserted(() -> assertThat(this.arrived).hasValue(42));
			});
	}

	private ApplicationContextRunner runner() {
		String baseUrl = "http://127.0.0.1:" + this.hangingServer.port();
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class))
			.withPropertyValues("llm.fallback.providers.gpt.type=openai",
					"llm.fallback.providers.gpt.base-url=" + baseUrl, "llm.fallback.providers.gpt.model=gpt-4o",
					"llm.fallback.providers.gpt.api-key=sk-test-key-1234567890",
					"llm.fallback.providers.gpt.timeout=60s", "llm.fallback.providers.claude.type=anthropic",
					"llm.fallback.providers.claude.base-url=" + baseUrl,
					"llm.fallback.providers.claude.model=claude-sonnet-4-5",
					"llm.fallback.chains.summarize.providers=gpt,claude");
	}

}
