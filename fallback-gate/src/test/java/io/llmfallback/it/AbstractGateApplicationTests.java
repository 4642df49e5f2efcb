package io.llmfallback.it;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A running WebFlux application with the runtime and the fallback-gate module, whose
 * chain {@code summarize} falls back from {@code gpt} to {@code claude}, both speaking
 * OpenAI's protocol to WireMock servers on loopback, and a client for its actuator. A
 * test adds what it tests: the endpoint's exposure and access, keys, a corpus, its own
 * {@code LlmProviders}, with {@code @TestPropertySource} and {@code @Import}.
 */
@SpringBootTest(classes = AbstractGateApplicationTests.GateApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.providers.claude.type=openai", "llm.fallback.providers.claude.model=claude-compatible",
				"llm.fallback.chains.summarize.providers=gpt,claude" })
@AutoConfigureWebTestClient
abstract class AbstractGateApplicationTests {

	/** {@code gpt}, the primary of {@code summarize}. */
	@RegisterExtension
	static final WireMockExtension primary = WireMockProviders.server();

	/** {@code claude}, its fallback. */
	@RegisterExtension
	static final WireMockExtension secondary = WireMockProviders.server();

	@Autowired
	WebTestClient webClient;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", primary::baseUrl);
		registry.add("llm.fallback.providers.claude.base-url", secondary::baseUrl);
	}

	@SpringBootApplication
	static class GateApplication {

	}

}
