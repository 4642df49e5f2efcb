package io.llmfallback.sample.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.gate.CorpusEntry;
import io.llmfallback.gate.GateCorpus;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.reactive.function.client.WebClient;

import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.ANTHROPIC;
import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code extract} chain's example contract and gate corpus against the simulators:
 * what each simulated model answers to each ticket, as the compatibility gate will
 * measure it. {@code openai-sim} meets the contract on every ticket;
 * {@code anthropic-sim} summarizes 60% of each ticket and so, on the four tickets whose
 * words of eight characters or more all come after that, writes no {@code keywords}.
 */
class TicketCorpusTest {

	// The extract chain's fallback-max-tokens: the gate calls a fallback with it, as the
	// chain would.
	private static final int FALLBACK_MAX_TOKENS = 256;

	private static final List<String> TICKETS = List.of("double-charge", "password-reset", "logout-loop", "export-csv",
			"reports-tab", "checkout-error", "yearly-plan", "dark-mode", "late-order", "api-rate-limit",
			"notifications", "gdpr-delete", "slow-search", "invoice-address", "two-factor", "thanks");

	private static SimulatedProviders simulators;

	private static GateCorpus corpus;

	private static OutputContract contract;

	@BeforeAll
	static void start() throws IOException {
		simulators = SimulatedProvidersInitializer.start(new MockEnvironment());
		try (InputStream in = new ClassPathResource("gate/ticket-corpus.jsonl").getInputStream()) {
			corpus = GateCorpus.read(in);
		}
		String schema = new ClassPathResource("contracts/ticket.schema.json")
			.getContentAsString(StandardCharsets.UTF_8);
		contract = new OutputContract(OutputContract.parseSchema(schema), null, null, false,
				OutputContract.OnViolation.NEXT_PROVIDER);
	}

	@AfterAll
	static void stop() {
		simulators.close();
	}

	@Test
	void everyTicketAsksForJsonAndIsCheckedAgainstTheChainsContract() {
		assertThat(corpus.entries()).extracting(CorpusEntry::id).containsExactlyElementsOf(TICKETS);
		assertThat(corpus.entries()).allSatisfy((entry) -> {
			assertThat(entry.request().responseFormat()).isEqualTo(ResponseFormat.JSON);
			assertThat(entry.schema()).isNull();
		});
	}

	@Test
	void primaryMeetsTheContractOnEveryTicket() {
		List<Answer> answers = answers(OPENAI, "gpt-4o", null);
		assertThat(answers).allSatisfy((answer) -> {
			assertThat(answer.violations()).isEmpty();
			assertThat(answer.fieldCoverage()).isEqualTo(1.0);
			assertThat(answer.finishReason()).isEqualTo("stop");
		});
		assertThat(answers).extracting(Answer::length)
			.containsExactly(279, 284, 228, 310, 213, 266, 258, 256, 222, 268, 289, 280, 232, 264, 264, 240);
		assertThat(meanLength(answers)).isEqualTo(259.5625);
		assertThat(answers.stream().mapToLong(Answer::inputTokens).sum()).isEqualTo(985);
		assertThat(answers.stream().mapToLong(Answer::outputTokens).sum()).isEqualTo(631);
	}

	@Test
	void fallbackLeavesKeywordsOutOnFourTickets() {
		List<Answer> answers = answers(ANTHROPIC, "claude-opus-4-1", FALLBACK_MAX_TOKENS);
		List<Answer> violating = answers.stream().filter((answer) -> !answer.violations().isEmpty()).toList();
		assertThat(violating).extracting(Answer::id)
			.containsExactly("logout-loop", "reports-tab", "yearly-plan", "late-order");
		assertThat(violating).allSatisfy((answer) -> {
			assertThat(answer.violations()).containsExactly("schema: required property 'keywords' not found");
			assertThat(answer.fieldCoverage()).isEqualTo(0.75);
		});
		assertThat(answers).allSatisfy((answer) -> assertThat(answer.finishReason()).isEqualTo("end_turn"));
		// 12 of 16 answers comply (75%); coverage is 3 of 4 fields on 4 answers, 4 of 4
		// on 12: 93.75%.
		assertThat(answers.stream().mapToDouble(Answer::fieldCoverage).sum()).isEqualTo(15.0);
		assertThat(answers).extracting(Answer::length)
			.containsExactly(201, 211, 141, 234, 141, 205, 169, 193, 143, 209, 243, 201, 181, 215, 200, 162);
		assertThat(meanLength(answers)).isEqualTo(190.5625);
		assertThat(answers.stream().mapToLong(Answer::inputTokens).sum()).isEqualTo(1170);
		assertThat(answers.stream().mapToLong(Answer::outputTokens).sum()).isEqualTo(429);
	}

	private static List<Answer> answers(String name, String model, Integer maxTokens) {
		LlmProvider provider = provider(name, model);
		return Flux.fromIterable(corpus.entries()).flatMapSequential((entry) -> {
			ChatRequest request = (maxTokens != null) ? entry.request().withMaxTokens(maxTokens) : entry.request();
			return provider.chat(request).map((response) -> Answer.of(entry, response, contract.check(response)));
		}, 8).collectList().block(Duration.ofSeconds(30));
	}

	private static double meanLength(List<Answer> answers) {
		return answers.stream().mapToInt(Answer::length).average().orElseThrow();
	}

	private static LlmProvider provider(String name, String model) {
		SimulatedProvider simulator = simulators.find(name).orElseThrow();
		ProviderType type = ProviderType.valueOf(simulator.protocol().name());
		return LlmProviders.create(
				new ProviderSettings(name, type, simulator.baseUrl(), "", model, Duration.ofSeconds(5), 1024, Map.of()),
				WebClient.builder());
	}

	/**
	 * What the gate measures of one answer: its length in code points and what the
	 * contract says of it.
	 */
	private record Answer(String id, int length, String finishReason, List<String> violations, double fieldCoverage,
			long inputTokens, long outputTokens) {

		static Answer of(CorpusEntry entry, ChatResponse response, ContractCheck check) {
			String text = response.text();
			return new Answer(entry.id(), text.codePointCount(0, text.length()), response.finishReason(),
					check.violations(), check.fieldCoverage(), response.usage().inputTokens(),
					response.usage().outputTokens());
		}

	}

}
