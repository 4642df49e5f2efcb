package io.llmfallback.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A simulator scripted to call a tool, read raw over loopback HTTP in each wire format,
 * unary and streamed: the call where the request offers the tool, and the answer that
 * quotes the tool's result once the conversation carries it. Shapes after the API
 * references: https://platform.openai.com/docs/api-reference/chat/create (tools,
 * tool_calls, streamed tool_calls deltas with an index),
 * https://docs.anthropic.com/en/api/messages and
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming (tool_use blocks,
 * input_json_delta), https://ai.google.dev/api/caching#FunctionCall (functionCall and
 * functionResponse parts, functionCallingConfig).
 */
class SimulatedToolCallTests extends SimulatorTestSupport {

	private static final String ARGUMENTS = "{\"orderId\":\"A-1042\"}";

	private static final String OPENAI_TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"orderStatus\","
			+ "\"parameters\":{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"}}}}}]";

	private static final String OPENAI_QUESTION = "{\"role\":\"user\",\"content\":\"Where is order A-1042?\"}";

	private static final String ANTHROPIC_TOOLS = "\"tools\":[{\"name\":\"orderStatus\",\"input_schema\":"
			+ "{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"}}}}]";

	private static final String GEMINI_TOOLS = "\"tools\":[{\"functionDeclarations\":[{\"name\":\"orderStatus\","
			+ "\"parameters\":{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"}}}}]}]";

	private static final String GEMINI_QUESTION = "{\"role\":\"user\",\"parts\":[{\"text\":\"Where is order A-1042?\"}]}";

	@BeforeEach
	void callTheTool() {
		simulators.all().forEach((simulator) -> simulator.answerWithToolCall("orderStatus", ARGUMENTS));
	}

	@Test
	void openAiAnswersARequestOfferingToolsWithAToolCall() {
		JsonNode choice = WireFormat.parse(post(OPENAI, "/v1/chat/completions", openAi(false, OPENAI_QUESTION)))
			.path("choices")
			.get(0);
		assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
		assertThat(choice.path("message").path("content").isNull()).isTrue();
		assertThat(numbered(choice.path("message").path("tool_calls")))
			.isEqualTo("[{\"id\":\"call_openai_sim_N\",\"type\":\"function\",\"function\":{\"name\":\"orderStatus\","
					+ "\"arguments\":\"{\\\"orderId\\\":\\\"A-1042\\\"}\"}}]");
	}

	@Test
	void openAiStreamsAToolCallAsIndexedDeltas() {
		List<JsonNode> deltas = data(stream(OPENAI, "/v1/chat/completions", openAi(true, OPENAI_QUESTION))).stream()
			.map((chunk) -> chunk.path("choices").get(0))
			.toList();
		assertThat(deltas.get(0).path("delta").toString())
			.isEqualTo("{\"role\":\"assistant\",\"content\":null,\"refusal\":null}");
		assertThat(numbered(deltas.get(1).path("delta")))
			.isEqualTo("{\"tool_calls\":[{\"index\":0,\"id\":\"call_openai_sim_N\",\"type\":\"function\","
					+ "\"function\":{\"name\":\"orderStatus\",\"arguments\":\"\"}}]}");
		List<JsonNode> fragments = deltas.subList(2, deltas.size() - 1);
		assertThat(fragments).hasSize(3)
			.allSatisfy((delta) -> assertThat(delta.path("delta").path("tool_calls").get(0).path("index").asInt())
				.isZero());
		assertThat(String.join("",
				fragments.stream()
					.map((delta) -> delta.path("delta").path("tool_calls").get(0).path("function").path("arguments"))
					.map(JsonNode::stringValue)
					.toList()))
			.isEqualTo(ARGUMENTS);
		assertThat(deltas.get(deltas.size() - 1).path("finish_reason").stringValue()).isEqualTo("tool_calls");
	}

	@Test
	void openAiAnswersTheToolsResultInText() {
		String conversation = OPENAI_QUESTION + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
				+ "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"orderStatus\",\"arguments\":"
				+ "\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"shipped on Monday\"}";
		JsonNode choice = WireFormat.parse(post(OPENAI, "/v1/chat/completions", openAi(false, conversation)))
			.path("choices")
			.get(0);
		assertThat(choice.path("finish_reason").stringValue()).isEqualTo("stop");
		assertThat(choice.path("message").path("content").stringValue())
			.isEqualTo("openai-sim echoes: shipped on Monday");
		assertThat(choice.path("message").has("tool_calls")).isFalse();
	}

	@Test
	void openAiAnswersInTextWithoutToolsOrWithToolChoiceNone() {
		String withoutTools = "{\"model\":\"m\",\"messages\":[" + OPENAI_QUESTION + "]}";
		String toolsOff = openAi(false, OPENAI_QUESTION).replace("\"stream\":false", "\"tool_choice\":\"none\"");
		for (String request : List.of(withoutTools, toolsOff)) {
			JsonNode message = WireFormat.parse(post(OPENAI, "/v1/chat/completions", request))
				.path("choices")
				.get(0)
				.path("message");
			assertThat(message.path("content").stringValue()).isEqualTo("openai-sim echoes: Where is order A-1042?");
		}
	}

	@Test
	void anthropicAnswersARequestOfferingToolsWithAToolUseBlock() {
		JsonNode message = WireFormat
			.parse(post(ANTHROPIC, "/v1/messages", anthropic(false, "Where is order A-1042?")));
		assertThat(message.path("stop_reason").stringValue()).isEqualTo("tool_use");
		assertThat(numbered(message.path("content")))
			.isEqualTo("[{\"type\":\"tool_use\",\"id\":\"toolu_anthropic_sim_N\","
					+ "\"name\":\"orderStatus\",\"input\":" + ARGUMENTS + "}]");
	}

	@Test
	void anthropicStreamsAToolUseBlockAsInputJsonDeltas() {
		List<JsonNode> events = data(stream(ANTHROPIC, "/v1/messages", anthropic(true, "Where is order A-1042?")));
		assertThat(numbered(events.get(1))).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,"
				+ "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_anthropic_sim_N\",\"name\":\"orderStatus\","
				+ "\"input\":{}}}");
		List<JsonNode> deltas = events.stream()
			.filter((event) -> event.path("type").stringValue().equals("content_block_delta"))
			.map((event) -> event.path("delta"))
			.toList();
		assertThat(deltas).hasSize(3)
			.allSatisfy((delta) -> assertThat(delta.path("type").stringValue()).isEqualTo("input_json_delta"));
		assertThat(String.join("", deltas.stream().map((delta) -> delta.path("partial_json").stringValue()).toList()))
			.isEqualTo(ARGUMENTS);
		assertThat(events.stream()
			.filter((event) -> event.path("type").stringValue().equals("message_delta"))
			.map((event) -> event.path("delta").path("stop_reason").stringValue())).containsExactly("tool_use");
	}

	@Test
	void anthropicAnswersTheToolsResultInText() {
		String conversation = "[{\"role\":\"user\",\"content\":\"Where is order A-1042?\"},{\"role\":\"assistant\","
				+ "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"orderStatus\",\"input\":{}}]},"
				+ "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
				+ "\"content\":\"shipped\"}]}]";
		JsonNode message = WireFormat.parse(post(ANTHROPIC, "/v1/messages",
				anthropic(false, "").replace("[{\"role\":\"user\",\"content\":\"\"}]", conversation)));
		assertThat(message.path("stop_reason").stringValue()).isEqualTo("end_turn");
		assertThat(numbered(message.path("content")))
			.isEqualTo("[{\"type\":\"text\",\"text\":\"anthropic-sim echoes: shipped\"}]");
	}

	@Test
	void geminiAnswersARequestOfferingToolsWithAFunctionCallPart() {
		JsonNode candidate = WireFormat.parse(post(GEMINI, "/v1beta/models/m:generateContent", gemini(GEMINI_QUESTION)))
			.path("candidates")
			.get(0);
		assertThat(candidate.path("finishReason").stringValue()).isEqualTo("STOP");
		assertThat(candidate.path("content").path("parts").toString())
			.isEqualTo("[{\"functionCall\":{\"name\":\"orderStatus\",\"args\":" + ARGUMENTS + "}}]");
	}

	@Test
	void geminiStreamsAFunctionCallWholeInItsLastChunk() {
		List<JsonNode> chunks = data(
				stream(GEMINI, "/v1beta/models/m:streamGenerateContent?alt=sse", gemini(GEMINI_QUESTION)));
		assertThat(chunks).hasSize(1);
		JsonNode candidate = chunks.get(0).path("candidates").get(0);
		assertThat(candidate.path("content").path("parts").toString())
			.isEqualTo("[{\"functionCall\":{\"name\":\"orderStatus\",\"args\":" + ARGUMENTS + "}}]");
		assertThat(candidate.path("finishReason").stringValue()).isEqualTo("STOP");
	}

	@Test
	void geminiAnswersTheFunctionResponseInText() {
		String conversation = GEMINI_QUESTION + ",{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":"
				+ "\"orderStatus\",\"args\":{}}}]},{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":"
				+ "\"orderStatus\",\"response\":{\"output\":\"shipped\"}}}]}";
		JsonNode candidate = WireFormat.parse(post(GEMINI, "/v1beta/models/m:generateContent", gemini(conversation)))
			.path("candidates")
			.get(0);
		assertThat(candidate.path("content").path("parts").toString())
			.isEqualTo("[{\"text\":\"gemini-sim echoes: shipped\"}]");
	}

	@Test
	void eachWireFormatAnswersInTextWhenTheScriptedToolIsNotOffered() {
		simulators.all().forEach((simulator) -> simulator.answerWithToolCall("refund", ARGUMENTS));
		assertThat(WireFormat.parse(post(OPENAI, "/v1/chat/completions", openAi(false, OPENAI_QUESTION)))
			.at("/choices/0/message/content")
			.stringValue()).isEqualTo("openai-sim echoes: Where is order A-1042?");
		assertThat(WireFormat.parse(post(ANTHROPIC, "/v1/messages", anthropic(false, "Where is order A-1042?")))
			.at("/content/0/text")
			.stringValue()).startsWith("anthropic-sim echoes: Where is");
		assertThat(WireFormat.parse(post(GEMINI, "/v1beta/models/m:generateContent", gemini(GEMINI_QUESTION)))
			.at("/candidates/0/content/parts/0/text")
			.stringValue()).isEqualTo("gemini-sim echoes: Where is order A-1042?");
	}

	@Test
	void eachWireFormatAnswersInTextWhenTheToolChoiceForcesAnotherTool() {
		// Each request offers the scripted tool and a refund tool, and forces the refund.
		String openAiForcing = openAi(false, OPENAI_QUESTION)
			.replace("\"tools\":[",
					"\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"refund\","
							+ "\"parameters\":{\"type\":\"object\"}}},")
			.replace("\"stream\":false", "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"refund\"}}");
		String anthropicForcing = anthropic(false, "Where is order A-1042?")
			.replace("\"tools\":[", "\"tools\":[{\"name\":\"refund\",\"input_schema\":{\"type\":\"object\"}},")
			.replace("\"stream\":false", "\"tool_choice\":{\"type\":\"tool\",\"name\":\"refund\"}");
		String geminiForcing = gemini(GEMINI_QUESTION)
			.replace("\"functionDeclarations\":[",
					"\"functionDeclarations\":[{\"name\":\"refund\",\"parameters\":{\"type\":\"object\"}},")
			.replace("{\"tools\"", "{\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\","
					+ "\"allowedFunctionNames\":[\"refund\"]}},\"tools\"");
		assertThat(List.of(openAiForcing, anthropicForcing, geminiForcing)).allSatisfy(
				(request) -> assertThat(WireFormat.parse(request).toString()).contains("orderStatus", "refund"));
		assertThat(WireFormat.parse(post(OPENAI, "/v1/chat/completions", openAiForcing))
			.at("/choices/0/message/content")
			.stringValue()).isEqualTo("openai-sim echoes: Where is order A-1042?");
		assertThat(
				WireFormat.parse(post(ANTHROPIC, "/v1/messages", anthropicForcing)).at("/content/0/text").stringValue())
			.startsWith("anthropic-sim echoes: Where is");
		assertThat(WireFormat.parse(post(GEMINI, "/v1beta/models/m:generateContent", geminiForcing))
			.at("/candidates/0/content/parts/0/text")
			.stringValue()).isEqualTo("gemini-sim echoes: Where is order A-1042?");
	}

	@Test
	void aToolChoiceForcingTheScriptedToolGetsItsCall() {
		String forcing = anthropic(false, "Where is order A-1042?").replace("\"stream\":false",
				"\"tool_choice\":{\"type\":\"tool\",\"name\":\"orderStatus\"}");
		assertThat(WireFormat.parse(post(ANTHROPIC, "/v1/messages", forcing)).at("/content/0/name").stringValue())
			.isEqualTo("orderStatus");
	}

	@Test
	void argumentsMustBeAJsonObject() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> simulator(OPENAI).answerWithToolCall("orderStatus", "[\"A-1042\"]"));
	}

	@Test
	void resetStopsCallingTheTool() {
		simulator(OPENAI).reset();
		JsonNode message = WireFormat.parse(post(OPENAI, "/v1/chat/completions", openAi(false, OPENAI_QUESTION)))
			.path("choices")
			.get(0)
			.path("message");
		assertThat(message.path("content").stringValue()).isEqualTo("openai-sim echoes: Where is order A-1042?");
	}

	/** The JSON with the number of each call's id, which counts answers, as N. */
	private static String numbered(JsonNode json) {
		return json.toString().replaceAll("_sim_[0-9]+", "_sim_N");
	}

	private static String openAi(boolean stream, String messages) {
		return "{\"model\":\"m\",\"stream\":" + stream + "," + OPENAI_TOOLS + ",\"messages\":[" + messages + "]}";
	}

	private static String anthropic(boolean stream, String question) {
		return "{\"model\":\"m\",\"max_tokens\":1024,\"stream\":" + stream + "," + ANTHROPIC_TOOLS
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
	}

	private static String gemini(String contents) {
		return "{" + GEMINI_TOOLS + ",\"contents\":[" + contents + "]}";
	}

	/** The JSON of every event but OpenAI's {@code [DONE]}. */
	private static List<JsonNode> data(Received stream) {
		assertThat(stream.status()).isEqualTo(200);
		return stream.events()
			.stream()
			.filter((event) -> !event.endsWith("[DONE]"))
			.filter((event) -> !event.startsWith("event: ping"))
			.map(Received::data)
			.toList();
	}

	private static Received stream(String provider, String path, String request) {
		return Received.read(send(provider, path, request));
	}

	private static String post(String provider, String path, String request) {
		return send(provider, path, request).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	private static WebClient.RequestHeadersSpec<?> send(String provider, String path, String request) {
		return WebClient.create(simulator(provider).baseUrl().toString())
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request);
	}

}
