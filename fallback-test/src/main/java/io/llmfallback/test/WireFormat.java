package io.llmfallback.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** One provider API's request, response and error shapes, as a simulator serves them. */
sealed interface WireFormat permits OpenAiWireFormat, AnthropicWireFormat, GeminiWireFormat {

	JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * How long a rate-limited client is asked to wait, in seconds, in the
	 * {@code retry-after} header.
	 */
	String RETRY_AFTER_SECONDS = "1";

	/** The word in a system prompt that asks for a JSON answer, in any case. */
	Pattern JSON_WORD = Pattern.compile("\\bjson\\b", Pattern.CASE_INSENSITIVE);

	WireProtocol protocol();

	/**
	 * The one path the simulator serves, e.g. {@code /v1/messages}, a template for
	 * Gemini's model.
	 */
	String path();

	/**
	 * Answers a request body, as server-sent events when it says {@code "stream": true};
	 * a request the real API would reject gets its 400. What the answer says is the
	 * model's.
	 * @param simulator the simulator's name, which its answers' ids carry
	 * @param answerer what the model answers the request
	 * @param uri the request's path and query, which name the model and the method in
	 * Gemini's API
	 * @param requestBody the request as received
	 */
	Reply answer(String simulator, Answerer answerer, String uri, String requestBody);

	/**
	 * What the real API answers with this error status: its status, error body and
	 * headers.
	 */
	Reply error(int status);

	/**
	 * What the real API answers a prompt longer than the model's context window: its 400
	 * and the error body that says so.
	 */
	Reply contextLengthExceeded();

	/** The request as JSON, or a missing node when it is not JSON. */
	static JsonNode parse(String body) {
		try {
			JsonNode node = JSON.readTree(body);
			return (node != null) ? node : MissingNode.getInstance();
		}
		catch (JacksonException ex) {
			return MissingNode.getInstance();
		}
	}

	/**
	 * Whether a system prompt asks for JSON: the only way to ask Anthropic, which has no
	 * JSON mode (the starter's client adds "Respond with a single JSON object and nothing
	 * else."), and a common one with OpenAI, whose JSON mode even requires the word in
	 * the messages.
	 */
	static boolean asksForJson(String systemPrompt) {
		return JSON_WORD.matcher(systemPrompt).find();
	}

	/**
	 * Whether a request asks for its answer as server-sent events, as OpenAI and
	 * Anthropic ask for it.
	 */
	static boolean streams(JsonNode request) {
		return request.path("stream").asBoolean(false);
	}

	/**
	 * What the model answers a conversation with a separate system prompt: the answer to
	 * its last user message, or to the tool's result it ends with, counting the system
	 * prompt and every message as input.
	 * @param contentField the field of a message that holds its text or its parts
	 * @param tools the names of the tools the model may call
	 * @param toolResult the tool's result the conversation ends with, or {@code null}
	 */
	static Completion complete(Answerer answerer, String system, JsonNode messages, String contentField, long maxTokens,
			boolean json, Set<String> tools, @Nullable String toolResult) {
		List<String> input = new ArrayList<>();
		input.add(system);
		String prompt = "";
		for (JsonNode message : messages) {
			String text = text(message.path(contentField));
			input.add(text);
			if ("user".equals(string(message, "role"))) {
				prompt = text;
			}
		}
		return answer(answerer, prompt, input, maxTokens, json, tools, toolResult);
	}

	/**
	 * The answer to a prompt, or, when the conversation ends with a tool's result, to
	 * that result: the model answers in text what its tool told it, and calls no tool
	 * again.
	 */
	static Completion answer(Answerer answerer, String prompt, List<String> input, long maxTokens, boolean json,
			Set<String> tools, @Nullable String toolResult) {
		if (toolResult != null) {
			return answerer.answer(toolResult, input, maxTokens, json, Set.of());
		}
		return answerer.answer(prompt, input, maxTokens, json, tools);
	}

	/**
	 * The names of the tools a request lets the model call now: those it lists, none when
	 * its tool choice switches them off, only those its tool choice allows.
	 * @param tools the request's tool definitions
	 * @param namePointer where a definition keeps its name, as a JSON pointer
	 * ({@code /name}, or OpenAI's {@code /function/name})
	 * @param switchedOff whether the tool choice forbids calling any
	 * @param allowed the tools the tool choice allows (the one it forces), or none when
	 * it allows all
	 */
	static Set<String> offeredTools(JsonNode tools, String namePointer, boolean switchedOff, Set<String> allowed) {
		Set<String> offered = new LinkedHashSet<>();
		if (switchedOff) {
			return offered;
		}
		for (JsonNode tool : tools) {
			JsonNode name = tool.at(namePointer);
			if (name.isString() && (allowed.isEmpty() || allowed.contains(name.stringValue()))) {
				offered.add(name.stringValue());
			}
		}
		return offered;
	}

	/** What a simulated model answers a request, whatever its wire format. */
	@FunctionalInterface
	interface Answerer {

		/**
		 * @param prompt the last user message
		 * @param input every input text (system prompt and messages), for the input token
		 * count
		 * @param maxTokens the output-token cap of the request
		 * @param json whether the request asks for JSON
		 * @param tools the names of the tools the model may call now
		 */
		Completion answer(String prompt, List<String> input, long maxTokens, boolean json, Set<String> tools);

	}

	static String string(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return value.isString() ? value.stringValue() : "";
	}

	/**
	 * The text of a message's content: a plain string, or the {@code text} of each
	 * content block.
	 */
	static String text(JsonNode content) {
		if (content.isString()) {
			return content.stringValue();
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode block : content) {
			if (block.path("text").isString()) {
				text.append(text.isEmpty() ? "" : "\n").append(block.path("text").stringValue());
			}
		}
		return text.toString();
	}

}
