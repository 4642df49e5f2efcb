package io.llmfallback.example;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of docs/test-kit.md, as a team would write it for its own chain: the
 * application's configuration names two providers, the kit stands in for both, and each
 * test breaks one.
 */
@SpringBootTest(properties = { "llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
		"llm.fallback.providers.claude.type=anthropic", "llm.fallback.providers.claude.model=claude-sonnet-4-5",
		"llm.fallback.chains.summarize.providers=gpt,claude" })
class SummarizerTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension()
		.provider("gpt", WireProtocol.OPENAI)
		.provider("claude", WireProtocol.ANTHROPIC);

	@DynamicPropertySource
	static void simulatedProviders(DynamicPropertyRegistry registry) {
		providers.registerBaseUrls(registry);
	}

	@Autowired
	Summarizer summarizer;

	@Test
	void thePrimaryAnswersWhenHealthy() {
		ChainResponse response = this.summarizer.summarize("The quarterly report").block();
		assertThat(response.text()).isEqualTo("gpt echoes: The quarterly report");
		assertThat(response.isFallback()).isFalse();
		assertThat(providers.get("claude").requests()).isZero();
	}

	@Test
	void theFallbackAnswersWhenThePrimaryIsOverloaded() {
		providers.get("gpt").inject(Fault.ofStatus(503));
		providers.get("claude").answerWith("Revenue is up; churn is the risk.");
		ChainResponse response = this.summarizer.summarize("The quarterly report").block();
		assertThat(response.text()).isEqualTo("Revenue is up; churn is the risk.");
		assertThat(response.response().provider()).isEqualTo("claude");
		assertThat(response.isFallback()).isTrue();
		assertThat(providers.get("gpt").requests()).isEqualTo(1);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Summarizer.class)
	static class Application {

	}

	@Service
	static class Summarizer {

		private final LlmClient client;

		Summarizer(LlmClient client) {
			this.client = client;
		}

		@LlmFallback(chain = "summarize")
		public Mono<ChainResponse> summarize(String text) {
			return this.client.chat(ChatRequest.ofUser(text));
		}

	}

}
