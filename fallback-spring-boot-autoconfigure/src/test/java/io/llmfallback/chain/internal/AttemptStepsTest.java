package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.llmfallback.chain.AttemptOutcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainAbortedException;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.contract.ContractCheck;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ImageInput;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.model.ToolDefinition;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.MutableClock;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The steps of an attempt, each on its own: values in, values out. */
class AttemptStepsTest {

	private final List<LlmProvider> providers = List.of(ScriptedProvider.answering("a", "A"),
			ScriptedProvider.answering("b", "B"), ScriptedProvider.answering("c", "C"));

	private final MutableClock clock = new MutableClock();

	private final ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
			Map.of("a", BreakerSettings.DEFAULTS, "b", BreakerSettings.DEFAULTS, "c", BreakerSettings.DEFAULTS),
			this.clock, (transition) -> {
			});

	@Test
	void theGuardServesAnAnswerThatMeetsTheContractAndMapsIt() {
		ContractGuard guard = new ContractGuard(contract(OnViolation.NEXT_PROVIDER));
		ContractGuard.Verdict verdict = guard.check(answer("{\"title\":\"Login fails\",\"priority\":2}"),
				ResultMapping.to(Ticket.class));
		assertThat(verdict.check().passed()).isTrue();
		assertThat(verdict.entity()).isEqualTo(new Ticket("Login fails", 2));
		assertThat(verdict.makesWay()).isFalse();
	}

	@Test
	void aShortAnswerMakesWayOnlyWhenTheContractSaysNextProvider() {
		ChatResponse shortAnswer = answer("ok");
		ContractGuard.Verdict next = new ContractGuard(contract(OnViolation.NEXT_PROVIDER)).check(shortAnswer, null);
		ContractGuard.Verdict flagged = new ContractGuard(contract(OnViolation.ACCEPT_AND_FLAG)).check(shortAnswer,
				null);
		assertThat(next.makesWay()).isTrue();
		assertThat(flagged.makesWay()).isFalse();
		assertThat(flagged.check().passed()).isFalse();
		assertThat(flagged.entity()).isNull();
	}

	@Test
	void anAnswerThatCallsToolsPassesTheContractAndTheMappingUnchecked() {
		ChatResponse toolTurn = new ChatResponse("", "tool_calls", new TokenUsage(10, 5), "a", "model-a",
				Duration.ofMillis(5), List.of(new ToolCall("call_1", "lookup", "{\"id\":7}")));
		ContractGuard.Verdict verdict = new ContractGuard(contract(OnViolation.NEXT_PROVIDER)).check(toolTurn,
				ResultMapping.to(Ticket.class));
		assertThat(verdict.check()).isEqualTo(ContractCheck.UNCHECKED);
		assertThat(verdict.makesWay()).isFalse();
		assertThat(verdict.entity()).isNull();
		// Without its tool calls, the same empty answer breaks the contract and makes
		// way.
		assertThat(new ContractGuard(contract(OnViolation.NEXT_PROVIDER)).check(answer(""), null).makesWay()).isTrue();
	}

	@Test
	void anAnswerThatDoesNotMapMakesWayWhateverTheContractSays() {
		ContractGuard.Verdict verdict = new ContractGuard(contract(OnViolation.ACCEPT_AND_FLAG))
			.check(answer("{\"title\":\"Login fails\"}"), ResultMapping.to(Ticket.class));
		assertThat(verdict.makesWay()).isTrue();
		assertThat(verdict.entity()).isNull();
	}

	@Test
	void aFallbackGetsItsOwnModelAndTheCapWhileThePrimaryGetsTheRequestAsItIs() {
		AttemptPlan plan = new AttemptPlan(parts(Duration.ofSeconds(10)));
		ChatRequest request = ChatRequest.ofUser("hi").withModel("gpt-4o");
		assertThat(plan.requestFor(request, this.providers.get(0), 0)).isSameAs(request);
		ChatRequest forFallback = plan.requestFor(request, this.providers.get(1), 1);
		assertThat(forFallback.model()).isNull();
		assertThat(forFallback.maxTokens()).isEqualTo(512);
	}

	@Test
	void aSpentBudgetSkipsEveryProviderFromTheIndexOn() {
		AttemptPlan plan = new AttemptPlan(parts(Duration.ZERO));
		RequestRun run = run(Duration.ZERO);
		assertThat(plan.skip(run, ChatRequest.ofUser("hi"), 1)).isEqualTo(AttemptOutcome.BUDGET_EXHAUSTED);
		assertThat(run.attempts()).extracting(AttemptRecord::provider, AttemptRecord::outcome)
			.containsExactly(tuple("b", AttemptOutcome.BUDGET_EXHAUSTED), tuple("c", AttemptOutcome.BUDGET_EXHAUSTED));
	}

	@Test
	void aModelLacksWhatTheRequestNeedsOnlyWhenItSaysSo() {
		ChatRequest tools = ChatRequest.ofUser("weather?")
			.withTools(List.of(new ToolDefinition("get_weather", "The weather", "{\"type\":\"object\"}")), null);
		ChatRequest image = new ChatRequest(
				List.of(ChatMessage.user("what is this?", List.of(ImageInput.url("https://example.com/a.png")))), null,
				null, null, ResponseFormat.TEXT);
		ChatRequest schema = ChatRequest.ofUser("x").withJsonSchema("answer", "{\"type\":\"object\"}");
		// 40 characters: 10 tokens, estimated.
		ChatRequest tenTokens = ChatRequest.ofUser("x".repeat(40));
		ProviderCapabilities textOnly = new ProviderCapabilities(false, false, false, 10);

		assertThat(AttemptPlan.lacking(textOnly, tools)).isEqualTo(AttemptOutcome.TOOLS_UNSUPPORTED);
		assertThat(AttemptPlan.lacking(textOnly, image)).isEqualTo(AttemptOutcome.IMAGES_UNSUPPORTED);
		assertThat(AttemptPlan.lacking(textOnly, schema)).isEqualTo(AttemptOutcome.JSON_SCHEMA_UNSUPPORTED);
		assertThat(AttemptPlan.lacking(textOnly, ChatRequest.ofUser("x").withResponseFormat(ResponseFormat.JSON)))
			.isNull();
		assertThat(AttemptPlan.lacking(textOnly, tenTokens)).isNull();
		assertThat(AttemptPlan.lacking(textOnly, ChatRequest.ofUser("x".repeat(41))))
			.isEqualTo(AttemptOutcome.CONTEXT_WINDOW_EXCEEDED);
		assertThat(AttemptPlan.lacking(ProviderCapabilities.UNRESTRICTED, tools)).isNull();
		assertThat(AttemptPlan.lacking(ProviderCapabilities.UNRESTRICTED, image)).isNull();
		assertThat(AttemptPlan.lacking(ProviderCapabilities.UNRESTRICTED, schema)).isNull();
		assertThat(AttemptPlan.lacking(ProviderCapabilities.UNRESTRICTED, ChatRequest.ofUser("x".repeat(100_000))))
			.isNull();
	}

	@Test
	void theRequestsCallsAreCountedAgainstMaxAttempts() {
		AttemptPlan plan = new AttemptPlan(parts(Duration.ofSeconds(10)));
		RequestRun run = run(Duration.ofSeconds(10));
		assertThat(plan.takeCall(run, this.providers.get(0), 0, false)).isTrue();
		assertThat(plan.takeCall(run, this.providers.get(1), 1, false)).isTrue();
		assertThat(plan.takeCall(run, this.providers.get(2), 2, false)).isFalse();
		assertThat(run.attempts()).extracting(AttemptRecord::outcome).containsExactly(AttemptOutcome.MAX_ATTEMPTS);
	}

	@Test
	void aCallThatWentNowhereMovesOnAndOtherErrorsEndTheRequestAsTheyAre() {
		Routing routing = new Routing(parts(Duration.ofSeconds(10)));
		RequestRun run = run(Duration.ofSeconds(10));
		IllegalStateException middleware = new IllegalStateException("middleware");
		assertThat(routing.afterFailure(run, Attempt.of(0, false), Routing.Failed.NOWHERE))
			.isInstanceOf(Routing.Next.class);
		assertThat(routing.afterFailure(run, Attempt.of(0, false), new Routing.Failed(middleware)))
			.isEqualTo(new Routing.Fail(middleware));
	}

	@Test
	void aFailureInFallbackOnOrAContractViolationMovesOnAndAnyOtherAborts() {
		Routing routing = new Routing(parts(Duration.ofSeconds(10)));
		RequestRun run = run(Duration.ofSeconds(10));
		assertThat(routing.afterFailure(run, Attempt.of(0, false), failed(FailureCategory.OVERLOADED)))
			.isInstanceOf(Routing.Next.class);
		assertThat(routing.afterFailure(run, Attempt.of(0, false), failed(FailureCategory.CONTRACT_VIOLATION)))
			.isInstanceOf(Routing.Next.class);
		Routing.Route aborted = routing.afterFailure(run, Attempt.of(0, false), failed(FailureCategory.AUTH));
		assertThat(aborted).isInstanceOf(Routing.Fail.class);
		assertThat(((Routing.Fail) aborted).error()).isInstanceOf(ChainAbortedException.class);
	}

	@Test
	void aStreamWhoseTextReachedTheCallerIsInterruptedAtItsLength() {
		Routing routing = new Routing(parts(Duration.ofSeconds(10)));
		RequestRun run = run(Duration.ofSeconds(10));
		StreamedAnswer answer = new StreamedAnswer(0, "Hello");
		answer.delivered = true;
		Routing.Route route = routing.afterStreamFailure(run, answer, failed(FailureCategory.OVERLOADED));
		assertThat(route).isInstanceOf(Routing.Interrupted.class);
		assertThat(((Routing.Interrupted) route).interruption().getCharactersStreamed()).isEqualTo(5);
	}

	@Test
	void theLastResortGoesToAShortCircuitedProviderOnlyWhenNoneWasCalled() {
		Routing routing = new Routing(parts(Duration.ofSeconds(10)));
		this.breakers.openForSlowCalls("a", "down");
		this.breakers.openForSlowCalls("b", "down");
		// Past the spacing of last resorts.
		this.clock.advance(Duration.ofMinutes(1));
		RequestRun shortCircuited = run(Duration.ofSeconds(10));
		shortCircuited.add(AttemptRecord.skipped("a", 0, "model-a", AttemptOutcome.SHORT_CIRCUITED, false));
		shortCircuited.add(AttemptRecord.skipped("b", 1, "model-b", AttemptOutcome.SHORT_CIRCUITED, false));
		assertThat(routing.lastResort(shortCircuited, Set.of("a"))).isEqualTo(Attempt.lastResort(1));
		RequestRun called = run(Duration.ofSeconds(10));
		called.add(AttemptRecord.skipped("a", 0, "model-a", AttemptOutcome.SHORT_CIRCUITED, false));
		called.anySent = true;
		assertThat(routing.lastResort(called, Set.of())).isNull();
	}

	@Test
	void aRetryIsTheSameAttemptOnceMore() {
		assertThat(Attempt.of(2, true).retried().retried()).isEqualTo(new Attempt(2, false, 2, true));
	}

	private ChainParts parts(Duration budget) {
		ChainSettings settings = new ChainSettings("steps", List.of("a", "b", "c"), budget, 512,
				ChainSettings.DEFAULT_FALLBACK_ON, OutputContract.NONE, true, 2, 0.1, HedgeSettings.OFF);
		Map<String, GuardSettings> guards = Map.of("a", guard(), "b", guard(), "c", guard());
		return new ChainParts(settings, this.providers, this.breakers, new ProviderGuards(guards, this.breakers),
				Map.of(), ChainExtensions.NONE, new ShareBudget(0.1, 1), new ShareBudget(0, 0),
				new MiddlewareStages(ChainExtensions.NONE));
	}

	private static GuardSettings guard() {
		return GuardSettings.defaults(Duration.ofSeconds(10), BreakerSettings.DEFAULTS);
	}

	private static RequestRun run(Duration budget) {
		return new RequestRun("steps", "chat", ReactorTime.nanos(), budget, null);
	}

	private static Routing.Failed failed(FailureCategory category) {
		return new Routing.Failed(new ProviderException("a", category, 503, null, "failed", null));
	}

	private static OutputContract contract(OnViolation onViolation) {
		return new OutputContract(null, 10, null, false, onViolation);
	}

	private static ChatResponse answer(String text) {
		return new ChatResponse(text, "stop", new TokenUsage(10, 5), "a", "model-a", Duration.ZERO);
	}

	record Ticket(String title, int priority) {
	}

}
