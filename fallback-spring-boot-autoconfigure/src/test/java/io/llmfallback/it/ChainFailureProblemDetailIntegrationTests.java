package io.llmfallback.it;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainFailureException;
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
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The README's answer for a caller without {@code fallbackMethod}: its
 * {@code @RestControllerAdvice} turns {@link ChainFailureException} into a problem
 * detail: 503 when every provider failed, 502 when one refused the request (the same code
 * as the README shows).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.chains.summarize.providers=gpt" })
@AutoConfigureWebTestClient
class ChainFailureProblemDetailIntegrationTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension().provider("gpt",
			WireProtocol.OPENAI);

	@Autowired
	private WebTestClient webClient;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		providers.registerBaseUrls(registry);
	}

	@Test
	void aChainFailureBecomesA503ProblemDetail() {
		providers.get("gpt").inject(Fault.ofStatus(503));

		summarize().expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(503)
			.jsonPath("$.detail")
			.isEqualTo("No LLM provider could answer; try again later")
			.jsonPath("$.chain")
			.isEqualTo("summarize")
			.jsonPath("$.attempts[0]")
			.isEqualTo("gpt: overloaded");
	}

	@Test
	void aRequestTheProviderRefusedBecomesA502ProblemDetail() {
		providers.get("gpt").inject(Fault.ofStatus(401));

		summarize().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The LLM provider refused the request")
			.jsonPath("$.attempts[0]")
			.isEqualTo("gpt: auth");
	}

	private WebTestClient.ResponseSpec summarize() {
		return this.webClient.post()
			.uri("/summaries")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("a long document")
			.exchange();
	}

	@SpringBootApplication
	@Import({ Summarizer.class, SummaryController.class, LlmFailures.class })
	static class TestApplication {

	}

	@Service
	static class Summarizer {

		private final LlmClient llm;

		Summarizer(LlmClient llm) {
			this.llm = llm;
		}

		@LlmFallback(chain = "summarize")
		Mono<String> summarize(String document) {
			return this.llm.chat(ChatRequest.ofUser("Summarize:\n" + document)).map(ChainResponse::text);
		}

	}

	@RestController
	static class SummaryController {

		private final Summarizer summarizer;

		SummaryController(Summarizer summarizer) {
			this.summarizer = summarizer;
		}

		@PostMapping("/summaries")
		Mono<String> summarize(@RequestBody String document) {
			return this.summarizer.summarize(document);
		}

	}

	// As in the README.
	@RestControllerAdvice
	static class LlmFailures {

		@ExceptionHandler
		ProblemDetail chainFailed(ChainFailureException failure) {
			// Exhausted: every provider failed or was skipped, so a retry later may
			// succeed. Aborted: a provider refused the request itself (bad request,
			// auth), and a retry will not help.
			boolean exhausted = failure instanceof ChainExhaustedException;
			ProblemDetail problem = ProblemDetail
				.forStatusAndDetail(exhausted ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY, exhausted
						? "No LLM provider could answer; try again later" : "The LLM provider refused the request");
			problem.setProperty("chain", failure.getChain());
			problem.setProperty("attempts",
					failure.getAttempts()
						.stream()
						.map((attempt) -> attempt.provider() + ": " + attempt.label())
						.toList());
			return problem;
		}

	}

}
