package io.llmfallback.gate;

import org.jspecify.annotations.Nullable;

/**
 * A corpus that cannot be read: the message names the source and the line, e.g.
 * {@code corpus.jsonl line 7: "prompt" and "messages" are both set; give one}.
 */
public class GateCorpusException extends IllegalArgumentException {

	private final String source;

	private final int lineNumber;

	public GateCorpusException(String source, int lineNumber, String problem, @Nullable Throwable cause) {
		super(source + ((lineNumber > 0) ? " line " + lineNumber : "") + ": " + problem, cause);
		this.source = source;
		this.lineNumber = lineNumber;
	}

	/** What was read: a file name, or {@code corpus} for text and streams. */
	public String getSource() {
		return this.source;
	}

	/**
	 * The 1-based line at fault, or 0 when the problem is the corpus as a whole (no
	 * request at all).
	 */
	public int getLineNumber() {
		return this.lineNumber;
	}

}
