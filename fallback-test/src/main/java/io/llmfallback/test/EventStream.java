package io.llmfallback.test;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An answer as server-sent events, in the order a provider sends them, each a whole event
 * ending with its blank line.
 *
 * @param opening the events before the first text (Anthropic's {@code message_start},
 * OpenAI's role chunk)
 * @param chunks one event per piece of text
 * @param closing the events after the text: the finish reason and usage
 * @param terminator the provider's end-of-stream event
 * @param error the error event the provider sends inside a 200 when it fails mid-stream
 */
record EventStream(List<String> opening, List<String> chunks, List<String> closing, String terminator, String error) {

	/**
	 * How many words a chunk of text holds, as a real model streams a few tokens at a
	 * time.
	 */
	static final int WORDS_PER_CHUNK = 3;

	/** How many characters of a tool call's arguments a chunk holds. */
	static final int CHARS_PER_FRAGMENT = 8;

	/** One event: an optional {@code event:} line, a {@code data:} line, a blank line. */
	static String event(@Nullable String name, String data) {
		return ((name != null) ? "event: " + name + "\n" : "") + "data: " + data + "\n\n";
	}

	/**
	 * The text in pieces of {@value #WORDS_PER_CHUNK} words, each but the first starting
	 * with the whitespace before its first word, so that the pieces put together are the
	 * text.
	 */
	static List<String> pieces(String text) {
		List<String> pieces = new ArrayList<>();
		int start = 0;
		int words = 0;
		for (int i = 0; i < text.length(); i++) {
			boolean wordStart = !Character.isWhitespace(text.charAt(i))
					&& (i == 0 || Character.isWhitespace(text.charAt(i - 1)));
			if (wordStart && words++ % WORDS_PER_CHUNK == 0 && words > 1) {
				int end = i;
				while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
					end--;
				}
				pieces.add(text.substring(start, end));
				start = end;
			}
		}
		if (start < text.length()) {
			pieces.add(text.substring(start));
		}
		return pieces;
	}

	/**
	 * JSON text in fragments of {@value #CHARS_PER_FRAGMENT} characters, as a model
	 * streams a tool call's arguments: fragments that are not JSON on their own.
	 */
	static List<String> fragments(String json) {
		List<String> fragments = new ArrayList<>();
		int start = 0;
		while (start < json.length()) {
			int end = Math.min(json.length(), start + CHARS_PER_FRAGMENT);
			// Never between the two halves of a surrogate pair.
			if (end < json.length() && Character.isLowSurrogate(json.charAt(end))) {
				end++;
			}
			fragments.add(json.substring(start, end));
			start = end;
		}
		return fragments;
	}

	/**
	 * The same event with its data cut in half: a {@code data:} line that is not JSON.
	 */
	static String malformed(String event) {
		int data = event.indexOf("data: ") + "data: ".length();
		int end = event.length() - 2;
		return event.substring(0, data + (end - data) / 2) + "\n\n";
	}

}
