package io.llmfallback.sample.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulated model answers: the simulator's name, {@code echoes:}, and the prompt's words, all of them
 * or the first {@code echoPercent} percent (rounded up) for a terser model, cut to the output-token cap.
 * Deterministic, so tests can assert exact token counts, costs and output lengths.
 *
 * @param text the answer
 * @param inputTokens tokens of every input text, system prompt included
 * @param outputTokens tokens of the answer
 * @param truncated whether the answer was cut at the output-token cap
 */
record Completion(String text, long inputTokens, long outputTokens, boolean truncated) {

	/**
	 * Answers the last user message.
	 * @param simulator the simulator's name, the answer's first word
	 * @param prompt the last user message
	 * @param input every input text (system prompt and messages), for the input token count
	 * @param maxTokens the output-token cap of the request
	 * @param echoPercent how much of the prompt to echo, in percent of its words
	 */
	static Completion of(String simulator, String prompt, List<String> input, long maxTokens, int echoPercent) {
		List<String> promptWords = words(prompt);
		List<String> answer = new ArrayList<>(words(simulator + " echoes:"));
		answer.addAll(promptWords.subList(0, (promptWords.size() * echoPercent + 99) / 100));
		// tokens(k) <= maxTokens  <=>  13k <= 10 maxTokens; at least one word, as real models emit one.
		int kept = (int) Math.max(1, Math.min(answer.size(), maxTokens * 10 / 13));
		long inputWords = input.stream().mapToLong((text) -> words(text).size()).sum();
		return new Completion(String.join(" ", answer.subList(0, kept)), tokens(inputWords),
				Math.min(maxTokens, tokens(kept)), kept < answer.size());
	}

	/** Roughly 1.3 tokens a word, as for English text; integer arithmetic so that counts are exact. */
	static long tokens(long words) {
		return (words * 13 + 9) / 10;
	}

	static List<String> words(String text) {
		String trimmed = text.strip();
		return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
	}

}
