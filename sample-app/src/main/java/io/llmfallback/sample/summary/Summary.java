package io.llmfallback.sample.summary;

/**
 * A document's summary.
 *
 * @param summary the summary text
 * @param provider the configured name of the provider that wrote it, {@code none} when
 * degraded
 * @param degraded whether no provider could be reached and this is the static stand-in
 */
public record Summary(String summary, String provider, boolean degraded) {

	/** What callers get while every provider of the chain is down. */
	public static final Summary UNAVAILABLE = new Summary(
			"No summary is available right now; the full document is unchanged.", "none", true);

}
