package io.llmfallback.gate;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.llmfallback.gate.GateFixtures.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool-call agreement over real HTTP: OpenAI-format providers on WireMock answer a tool
 * line with {@code tool_calls}, in the shape of OpenAI's chat completion object
 * (https://platform.openai.com/docs/api-reference/chat/object:
 * {@code message.tool_calls[]} of
 * {@code {"id","type":"function","function":{"name","arguments"}}} with {@code arguments}
 * a JSON string, {@code content} null and {@code finish_reason} {@code tool_calls}), and
 * the line's tools reach each provider as OpenAI's request {@code tools}
 * (https://platform.openai.com/docs/api-reference/chat/create).
 */
class CompatibilityGateToolCallsHttpTest {

	private static final GateCorpus CORPUS = GateCorpus.parse("""
			{"id":"weather","prompt":"Question weather: what is it like in Paris?","tools":[{"name":"get_weather",\
			"description":"Current weather in a city","parameters":{"type":"object","required":["city"],\
			"properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]}},\
			"additionalProperties":false}}],"toolChoice":"auto"}
			{"id":"chat","prompt":"Question chat: say hello."}
			""");

	/** Calls get_weather with valid arguments. */
	@RegisterExtension
	static WireMockExtension gpt = WireMockProviders.server();

	/** Calls get_weather with arguments that break its schema. */
	@RegisterExtension
	static WireMockExtension badArguments = WireMockProviders.server();

	/** Answers text where the primary calls the tool. */
	@RegisterExtension
	static WireMockExtension textual = WireMockProviders.server();

	/** Calls get_weather with other valid arguments. */
	@RegisterExtension
	static WireMockExtension agreeing = WireMockProviders.server();

	@Test
	void fallbacksThatDoNotCallTheToolWithValidArgumentsDisagree() {
		stub(gpt, toolCall("{\"city\":\"Paris\"}"));
		stub(badArguments, toolCall("{\"town\":\"Paris\"}"));
		stub(textual, OpenAiStubs.completion("It is sunny in Paris.", 20, 6));
		stub(agreeing, toolCall("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));

		GateReport report = CompatibilityGate.builder(openAi("gpt", gpt))
			.fallback(openAi("bad-arguments", badArguments), openAi("textual", textual), openAi("agreeing", agreeing))
			.build()
			.runBlocking(CORPUS);

		assertThat(report.toolLines()).isEqualTo(1);
		assertThat(report.primary().lines().get(0).toolCalls()).containsExactly("get_weather");
		assertThat(report.primary().toolCallAgreement()).isEqualTo(1.0);
		assertThat(report.primary().toolArgumentValidity()).isEqualTo(1.0);

		assertThat(report.provider("bad-arguments").toolCallAgreement()).isEqualTo(0.0);
		assertThat(report.provider("bad-arguments").toolArgumentValidity()).isEqualTo(0.0);
		assertThat(report.verdictOf("bad-arguments").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("bad-arguments: tool-call agreement -100.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(report.verdictOf("bad-arguments").verdict()).isEqualTo(Verdict.FAIL);

		assertThat(report.provider("textual").toolCallAgreement()).isEqualTo(0.0);
		assertThat(report.provider("textual").toolArgumentValidity()).isNull();
		assertThat(report.verdictOf("textual").dimension(GateDimension.TOOL_CALL_AGREEMENT).verdict())
			.isEqualTo(Verdict.FAIL);

		assertThat(report.provider("agreeing").toolCallAgreement()).isEqualTo(1.0);
		assertThat(report.verdictOf("agreeing").dimension(GateDimension.TOOL_CALL_AGREEMENT).summary())
			.isEqualTo("agreeing: tool-call agreement +0.0 pp vs primary (tolerance 15 pp): PASS");
		assertThat(report.verdictOf("agreeing").verdict()).isEqualTo(Verdict.PASS);
		assertThat(report.verdict()).isEqualTo(Verdict.FAIL);

		for (WireMockExtension server : List.of(gpt, badArguments, textual, agreeing)) {
			server.verify(postRequestedFor(urlEqualTo(OpenAiStubs.PATH))
				.withRequestBody(matchingJsonPath("$.tools[0].type", equalTo("function")))
				.withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_weather")))
				.withRequestBody(matchingJsonPath("$.tool_choice", equalTo("auto"))));
		}
	}

	/** The tool line gets that answer, the text line "Hello!". */
	private static void stub(WireMockExtension server, ResponseDefinitionBuilder toolLineAnswer) {
		server.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("Question weather"))
			.willReturn(toolLineAnswer));
		server.stubFor(OpenAiStubs.chatCompletion()
			.withRequestBody(containing("Question chat"))
			.willReturn(OpenAiStubs.completion("Hello!", 12, 2)));
	}

	private static ResponseDefinitionBuilder toolCall(String arguments) {
		String escaped = arguments.replace("\\", "\\\\").replace("\"", "\\\"");
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
				{"id":"chatcmpl-abc123","object":"chat.completion","created":1741569952,"model":"gpt-4o-2024-08-06",
				 "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
				 "tool_calls":[{"id":"call_abc123","type":"function",
				 "function":{"name":"get_weather","arguments":"%s"}}]},
				 "logprobs":null,"finish_reason":"tool_calls"}],
				 "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}}
				""".formatted(escaped));
	}

}
