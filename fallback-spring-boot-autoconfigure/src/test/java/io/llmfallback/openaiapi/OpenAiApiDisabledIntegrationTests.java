package io.llmfallback.openaiapi;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Off by default: a reactive web application with chains serves no OpenAI-compatible
 * route.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.fallback.providers.gpt.type=openai",
				"llm.fallback.providers.gpt.base-url=http://127.0.0.1:9",
				"llm.fallback.providers.gpt.model=gpt-4o-mini", "llm.fallback.chains.summarize.providers=gpt" })
@AutoConfigureWebTestClient
class OpenAiApiDisabledIntegrationTests {

	@Autowired
	private WebTestClient webClient;

	@Test
	void theEndpointIsAbsentUnlessEnabled() {
		this.webClient.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.exchange()
			.expectStatus()
			.isNotFound();
		this.webClient.get().uri("/v1/models").exchange().expectStatus().isNotFound();
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
