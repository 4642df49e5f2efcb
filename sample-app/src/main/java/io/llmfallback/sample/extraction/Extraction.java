package io.llmfallback.sample.extraction;

import java.util.List;

/**
 * The answer of {@code POST /extract}.
 *
 * @param ticket the extracted ticket; when degraded, the ticket's text as its summary and
 * nothing extracted
 * @param degraded whether no provider's answer met the contract and this is the
 * pass-through stand-in
 */
public record Extraction(Ticket ticket, boolean degraded) {

	/**
	 * The stand-in while no provider extracts the ticket: the text is queued as it is,
	 * for a human to read.
	 */
	public static Extraction unextracted(String text) {
		return new Extraction(new Ticket("Unextracted ticket", text, "neutral", List.of()), true);
	}

}
