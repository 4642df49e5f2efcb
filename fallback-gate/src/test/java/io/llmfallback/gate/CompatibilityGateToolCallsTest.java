package io.llmfallback.gate;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool-call agreement with in-memory providers answering tool calls: which fallbacks call
 * the tools the primary calls, with arguments valid against the tools' schemas.
 */
class CompatibilityGateToolCallsTest {

	private static final String GET_WEATHER = """
			{"name":"get_weather","description":"Current weather in a city","parameters":{"type":"object",\
			"required":["city"],"properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]}},\
			"additionalProperties":false}}""";

	static final GateCorpus CORPUS = GateCorpus.parse("""
			{"id":"weather","prompt":"What is the weather in Paris?","tools":[%1$s],"toolChoice":"auto"}
			{"id":"two-cities","prompt":"Weather in Paris and in Rome?","tools":[%1$s]}
			{"id":"chat","prompt":"Say hello."}
			""".formatted(GET_WEATHER));

	@Test
	void fallbacksAgreeWhenTheyCallTheSameToolsWithValidArguments() {
		ScriptedProvider primary = provider("primary", (prompt) -> switch (prompt) {
			case "weather" -> calls(weather("c1", "{\"city\":\"Paris\"}"));
			case "two-cities" -> calls(weather("c1", "{\"city\":\"Paris\"}"), weather("c2", "{\"city\":\"Rome\"}"));
			default -> text("Hello!");
		});
		// The same calls, in another order for the parallel ones and with other valid
		// arguments.
		ScriptedProvider agreeing = provider("agreeing", (prompt) -> switch (prompt) {
			case "weather" -> calls(weather("x", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
			case "two-cities" -> calls(weather("y", "{\"city\":\"Rome\"}"), weather("z", "{\"city\":\"Paris\"}"));
			default -> text("Hello!");
		});
		// The same tool, with arguments that break its schema on one line.
		ScriptedProvider badArguments = provider("bad-arguments", (prompt) -> switch (prompt) {
			case "weather" -> calls(weather("x", "{\"town\":\"Paris\"}"));
			case "two-cities" -> calls(weather("y", "{\"city\":\"Paris\"}"), weather("z", "{\"city\":\"Rome\"}"));
			default -> text("Hello!");
		});
		// Text where the primary called the tool: what a fallback without tools does.
		ScriptedProvider textual = provider("textual", (prompt) -> text("Sunny!"));
		// One call where the primary made two, and arguments that are not JSON.
		ScriptedProvider fewer = provider("fewer", (prompt) -> switch (prompt) {
			case "weather" -> calls(weather("x", "{\"city\":\"Paris\""));
			case "two-cities" -> calls(weather("y", "{\"city\":\"Paris\"}"));
			default -> text("Hello!");
		});

		GateReport report = CompatibilityGate.builder(primary)
			.fallback(agreeing, badArguments, textual, fewer)
			.build()
			.runBlocking(CORPUS);

		assertThat(report.toolLines()).isEqualTo(2);
		ProviderStats primaryStats = report.primary();
		assertThat(primaryStats.toolCallAgreement()).isEqualTo(1.0);
		assertThat(primaryStats.toolLinesCompared()).isEqualTo(2);
		assertThat(primaryStats.toolCalls()).isEqualTo(3);
		assertThat(primaryStats.toolArgumentValidity()).isEqualTo(1.0);
		assertThat(primaryStats.lines()).extracting(LineResult::toolCalls)
			.containsExactly(List.of("get_weather"), List.of("get_weather", "get_weather"), List.of());

		assertThat(report.provider("agreeing").toolCallAgreement()).isEqualTo(1.0);
		assertThat(report.provider("agreeing").toolArgumentValidity()).isEqualTo(1.0);
		assertThat(report.verdictOf("agreeing").verdict()).isEqualTo(Verdict.PASS);
		assertThat(report.verdictOf("agreeing").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("agreeing: tool-call agreement +0.0 pp vs primary (tolerance 15 pp): PASS");

		ProviderStats bad = report.provider("bad-arguments");
		assertThat(bad.toolLinesAgreed()).isEqualTo(1);
		assertThat(bad.toolCallAgreement()).isEqualTo(0.5);
		assertThat(bad.validToolCalls()).isEqualTo(2);
		assertThat(bad.toolCalls()).isEqualTo(3);
		assertThat(bad.toolArgumentValidity()).isEqualTo(0.666667);
		assertThat(bad.lines()).extracting(LineResult::toolCallAgreement).containsExactly(false, true, null);
		assertThat(bad.lines().get(0).violations()).containsExactlyInAnyOrder(
				"tool get_weather: required property 'city' not found",
				"tool get_weather: property 'town' is not defined in the schema and the schema does not allow additional properties");
		assertThat(report.verdictOf("bad-arguments").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("bad-arguments: tool-call agreement -50.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(report.verdictOf("bad-arguments").verdict()).isEqualTo(Verdict.FAIL);

		ProviderStats text = report.provider("textual");
		assertThat(text.toolCallAgreement()).isEqualTo(0.0);
		assertThat(text.toolCalls()).isZero();
		assertThat(text.toolArgumentValidity()).isNull();
		assertThat(report.verdictOf("textual").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("textual: tool-call agreement -100.0 pp vs primary (tolerance 15 pp): FAIL");

		ProviderStats fewerStats = report.provider("fewer");
		assertThat(fewerStats.toolCallAgreement()).isEqualTo(0.0);
		assertThat(fewerStats.toolArgumentValidity()).isEqualTo(0.5);
		assertThat(fewerStats.lines().get(0).violations()).containsExactly("tool get_weather: arguments are not JSON");

		assertThat(report.findings()).containsExactly(
				"bad-arguments: tool-call agreement -50.0 pp vs primary (tolerance 15 pp): FAIL",
				"textual: mean output length +200.0% vs primary (tolerance 15%): FAIL",
				"textual: tool-call agreement -100.0 pp vs primary (tolerance 15 pp): FAIL",
				"fewer: tool-call agreement -100.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(report.toMarkdown())
			.contains("3 corpus requests (0 checked against a JSON schema, 2 with tools) replayed through primary")
			.contains("| tool-call agreement | 100% | 50% | -50.0 pp | 15 pp | FAIL |")
			.contains("| tool-call agreement | 100% (2/2) | 100% (2/2) | 50% (1/2) | 0% (0/2) | 0% (0/2) |")
			.contains("| tool argument validity | 100% (3/3) | 100% (3/3) | 66.7% (2/3) | n/a | 50% (1/2) |")
			.contains("| tool-call agreement | 15 pp | less than the primary | enforced |")
			.contains("- bad-arguments, line 1 (weather): tool get_weather: ")
			.contains("- textual, line 1 (weather): answered text where the primary called get_weather\n"
					+ "- textual, line 2 (two-cities): answered text where the primary called get_weather, get_weather\n")
			.contains(
					"- fewer, line 2 (two-cities): called get_weather where the primary called get_weather, get_weather");
		assertThat(report.toHtml()).contains("<td>tool-call agreement</td><td>100%</td><td>0%</td>");
		assertThat(report.toJson()).contains("\"toolLines\" : 2")
			.contains("\"toolCallAgreement\" : 0.5")
			.contains("\"toolArgumentValidity\" : 0.666667")
			.contains("\"dimension\" : \"tool-call-agreement\"");
	}

	@Test
	void aToolCallWhereThePrimaryAnsweredTextDisagrees() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "Sunny!");
		ScriptedProvider eager = provider("eager",
				(prompt) -> prompt.equals("weather") ? calls(weather("x", "{\"city\":\"Paris\"}")) : text("Sunny!"));

		GateReport report = CompatibilityGate.builder(primary).fallback(eager).build().runBlocking(CORPUS);

		assertThat(report.primary().toolCalls()).isZero();
		assertThat(report.primary().toolCallAgreement()).isEqualTo(1.0);
		assertThat(report.provider("eager").lines()).extracting(LineResult::toolCallAgreement)
			.containsExactly(false, true, null);
		assertThat(report.provider("eager").toolCallAgreement()).isEqualTo(0.5);
		assertThat(report.provider("eager").toolArgumentValidity()).isEqualTo(1.0);
		assertThat(report.toMarkdown())
			.contains("- eager, line 1 (weather): called get_weather where the primary answered text");
	}

	@Test
	void aToolLineEitherFailedIsNotCompared() {
		ScriptedProvider primary = provider("primary", (prompt) -> switch (prompt) {
			case "weather" -> Mono.error(ProviderException.invalidResponse("primary", "down"));
			case "two-cities" -> calls(weather("c1", "{\"city\":\"Paris\"}"), weather("c2", "{\"city\":\"Rome\"}"));
			default -> text("Hello!");
		});
		ScriptedProvider fallback = provider("fallback", (prompt) -> switch (prompt) {
			case "two-cities" -> Mono.error(ProviderException.invalidResponse("fallback", "down"));
			default -> calls(weather("x", "{\"city\":\"Paris\"}"));
		});

		GateReport report = CompatibilityGate.builder(primary).fallback(fallback).build().runBlocking(CORPUS);

		assertThat(report.primary().toolLinesCompared()).isEqualTo(1);
		assertThat(report.provider("fallback").toolLinesCompared()).isZero();
		assertThat(report.provider("fallback").toolCallAgreement()).isNull();
		// It answered the primary's only answered tool line with a failure: counted by
		// the
		// failure rate, with no answer left to compare.
		assertThat(report.verdictOf("fallback").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("fallback: tool-call agreement: no answer to measure (primary 100%): FAIL");
	}

	@Test
	void withoutToolLinesAgreementIsNotApplicable() {
		GateCorpus corpus = GateCorpus.parse("{\"id\":\"chat\",\"prompt\":\"Say hello.\"}");
		GateReport report = CompatibilityGate.builder(ScriptedProvider.answering("primary", "Hello!"))
			.fallback(ScriptedProvider.answering("fallback", "Hello!"))
			.build()
			.runBlocking(corpus);

		assertThat(report.toolLines()).isZero();
		assertThat(report.primary().toolCallAgreement()).isNull();
		assertThat(report.primary().toolArgumentValidity()).isNull();
		DimensionVerdict agreement = report.verdictOf("fallback").dimension(GateDimension.TOOL_CALL_AGREEMENT);
		assertThat(agreement.verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
		assertThat(agreement.summary())
			.isEqualTo("fallback: tool-call agreement: not applicable (no answer of the primary to a line with tools)");
		assertThat(report.verdict()).isEqualTo(Verdict.PASS);
	}

	@Test
	void everyProviderGetsTheLinesTools() {
		ScriptedProvider primary = ScriptedProvider.answering("primary", "ok");
		ScriptedProvider fallback = ScriptedProvider.answering("fallback", "ok");

		CompatibilityGate.builder(primary).fallback(fallback).concurrency(1).build().runBlocking(CORPUS);

		for (ScriptedProvider provider : List.of(primary, fallback)) {
			assertThat(provider.received()).extracting((request) -> request.tools().size()).containsExactly(1, 1, 0);
			assertThat(provider.received().get(0).tools().get(0).name()).isEqualTo("get_weather");
		}
	}

	private static ScriptedProvider provider(String name, Function<String, Mono<ChatResponse>> byLine) {
		return ScriptedProvider.of(name,
				(request) -> byLine.apply(lineOf(request))
					.map((response) -> new ChatResponse(response.text(), response.finishReason(), response.usage(),
							name, "model-" + name, Duration.ZERO, response.toolCalls())));
	}

	private static String lineOf(ChatRequest request) {
		String prompt = request.messages().get(0).content();
		return prompt.startsWith("What") ? "weather" : prompt.startsWith("Weather") ? "two-cities" : "chat";
	}

	private static ToolCall weather(String id, String arguments) {
		return new ToolCall(id, "get_weather", arguments);
	}

	private static Mono<ChatResponse> calls(ToolCall... calls) {
		return Mono
			.just(new ChatResponse("", "tool_calls", new TokenUsage(10, 5), "", "", Duration.ZERO, List.of(calls)));
	}

	private static Mono<ChatResponse> text(String text) {
		return Mono.just(new ChatResponse(text, "stop", new TokenUsage(10, 5), "", "", Duration.ZERO));
	}

}
