package io.llmfallback.test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
	 * its last user message, counting the system prompt and every message as input.
	 * @param contentField the field of a message that holds its text or its parts
	 */
	static Completion complete(Answerer answerer, String system, JsonNode messages, String contentField, long maxTokens,
			boolean json) {
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
		return answerer.answer(prompt, input, maxTokens, json);
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
		 */
		Completion answer(String prompt, List<String> input, long maxTokens, boolean json);

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
