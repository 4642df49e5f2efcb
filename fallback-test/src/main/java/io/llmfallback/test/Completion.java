package io.llmfallback.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a simulated model answers to the last user message, deterministically, so that
 * tests can assert exact token counts, costs and output lengths. Its verbosity is its
 * {@code echoPercent}: how much of the message it echoes, all of it or the first
 * {@code echoPercent} percent of its words (rounded up) for a terser model.
 *
 * <p>
 * Asked for text, it answers the simulator's name, {@code echoes:}, and the echoed words.
 * Asked for JSON, it answers the extraction of a support ticket, as one line of JSON:
 * <ul>
 * <li>{@code title}: the message's first six words;</li>
 * <li>{@code summary}: the echoed words;</li>
 * <li>{@code sentiment}: {@code neutral}, as a simulated model does not read tone;</li>
 * <li>{@code keywords}: the first three distinct words of eight characters or more in the
 * summary, lowercased, without leading or trailing punctuation; left out when the summary
 * has none, as models tend to drop a field they have nothing for rather than write an
 * empty list.</li>
 * </ul>
 * So a terser model writes a shorter summary, with fewer keywords, and no
 * {@code keywords} at all on a message whose long words all come after the part it
 * echoes: an answer that a schema requiring {@code keywords} rejects, while the full echo
 * of the same message passes.
 *
 * <p>
 * Either answer is then cut to the output-token cap, at 1.3 tokens a word, a word of JSON
 * being what lies between two spaces. A cut JSON answer is no longer valid JSON, as a
 * real model's is not when it runs out of tokens; its finish reason says so.
 *
 * @param text the answer
 * @param inputTokens tokens of every input text, system prompt included
 * @param outputTokens tokens of the answer
 * @param truncated whether the answer was cut at the output-token cap
 * @param toolCall the tool the model calls instead of answering in text, or {@code null}
 */
record Completion(String text, long inputTokens, long outputTokens, boolean truncated, @Nullable ToolCall toolCall) {

	private static final int TITLE_WORDS = 6;

	private static final int KEYWORD_LENGTH = 8;

	private static final int MAX_KEYWORDS = 3;

	private static final Pattern EDGE_PUNCTUATION = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$");

	Completion(String text, long inputTokens, long outputTokens, boolean truncated) {
		this(text, inputTokens, outputTokens, truncated, null);
	}

	/**
	 * Answers with a call of a tool and no text, its arguments counted as words.
	 * @param call the tool and its arguments
	 * @param input every input text (system prompt and messages), for the input token
	 * count
	 */
	static Completion calling(ToolCall call, List<String> input) {
		Completion counted = cut(words(call.name() + " " + call.argumentsJson()), input, Integer.MAX_VALUE);
		return new Completion("", counted.inputTokens(), counted.outputTokens(), false, call);
	}

	/**
	 * Answers the last user message in text.
	 * @param simulator the simulator's name, the answer's first word
	 * @param prompt the last user message
	 * @param input every input text (system prompt and messages), for the input token
	 * count
	 * @param maxTokens the output-token cap of the request
	 * @param echoPercent how much of the prompt to echo, in percent of its words
	 */
	static Completion of(String simulator, String prompt, List<String> input, long maxTokens, int echoPercent) {
		List<String> answer = new ArrayList<>(words(simulator + " echoes:"));
		answer.addAll(echo(words(prompt), echoPercent));
		return cut(answer, input, maxTokens);
	}

	/**
	 * Answers the last user message with the extraction of a support ticket in JSON.
	 * @param prompt the last user message: the ticket
	 * @param input every input text (system prompt and messages), for the input token
	 * count
	 * @param maxTokens the output-token cap of the request
	 * @param echoPercent how much of the ticket the summary echoes, in percent of its
	 * words
	 */
	static Completion json(String prompt, List<String> input, long maxTokens, int echoPercent) {
		List<String> words = words(prompt);
		List<String> summary = echo(words, echoPercent);
		ObjectNode ticket = WireFormat.JSON.createObjectNode();
		ticket.put("title", String.join(" ", words.subList(0, Math.min(words.size(), TITLE_WORDS))));
		ticket.put("summary", String.join(" ", summary));
		ticket.put("sentiment", "neutral");
		List<String> keywords = keywords(summary);
		if (!keywords.isEmpty()) {
			keywords.forEach(ticket.putArray("keywords")::add);
		}
		// Compact JSON has spaces only between the words of its strings, which join back
		// to the same text.
		return cut(words(WireFormat.JSON.writeValueAsString(ticket)), input, maxTokens);
	}

	/**
	 * Answers with a scripted text, cut and counted as an echo is.
	 * @param text what the script says the model answers
	 * @param input every input text (system prompt and messages), for the input token
	 * count
	 * @param maxTokens the output-token cap of the request
	 */
	static Completion scripted(String text, List<String> input, long maxTokens) {
		Completion cut = cut(words(text), input, maxTokens);
		// Whole, the text goes out as written, its line breaks and spacing kept.
		return cut.truncated() ? cut : new Completion(text, cut.inputTokens(), cut.outputTokens(), false);
	}

	/**
	 * Roughly 1.3 tokens a word, as for English text; integer arithmetic so that counts
	 * are exact.
	 */
	static long tokens(long words) {
		return (words * 13 + 9) / 10;
	}

	static List<String> words(String text) {
		String trimmed = text.strip();
		return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
	}

	private static List<String> echo(List<String> words, int echoPercent) {
		return words.subList(0, (words.size() * echoPercent + 99) / 100);
	}

	private static List<String> keywords(List<String> words) {
		return words.stream()
			.map((word) -> EDGE_PUNCTUATION.matcher(word.toLowerCase(Locale.ROOT)).replaceAll(""))
			.filter((word) -> word.length() >= KEYWORD_LENGTH)
			.distinct()
			.limit(MAX_KEYWORDS)
			.toList();
	}

	/**
	 * A call of a tool, as a simulator scripted to call one answers a request offering
	 * tools.
	 *
	 * @param name the tool's name
	 * @param arguments its arguments, a JSON object
	 */
	record ToolCall(String name, JsonNode arguments) {

		/** The arguments as compact JSON text, as OpenAI sends them. */
		String argumentsJson() {
			return WireFormat.JSON.writeValueAsString(this.arguments);
		}

	}

	private static Completion cut(List<String> answer, List<String> input, long maxTokens) {
		// tokens(k) <= maxTokens <=> 13k <= 10 maxTokens; at least one word, as real
		// models emit one.
		int kept = (int) Math.min(answer.size(), Math.max(1, maxTokens * 10 / 13));
		long inputWords = input.stream().mapToLong((text) -> words(text).size()).sum();
		return new Completion(String.join(" ", answer.subList(0, kept)), tokens(inputWords),
				Math.min(maxTokens, tokens(kept)), kept < answer.size());
	}

}
