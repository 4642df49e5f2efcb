package io.llmfallback.gate;

import java.util.ArrayList;
import java.util.List;

import io.llmfallback.gate.internal.GateReportRenderer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a compatibility gate run found: every provider's measurements, every fallback's
 * verdict per dimension, and the overall verdict. Immutable; serializes to JSON with
 * {@link #toJson()} and renders readably with {@link #toMarkdown()} and
 * {@link #toHtml()}.
 *
 * @param chain the chain's name, or {@code null} when the gate was not built from a chain
 * @param generatedAt when the run ended, ISO-8601 UTC
 * @param durationMs how long the run took
 * @param corpusSize requests in the corpus
 * @param schemaLines corpus requests whose answers were checked against a schema (their
 * own or the chain's)
 * @param toolLines corpus requests that define tools, whose answers' tool calls were
 * compared with the primary's
 * @param tolerances what the fallbacks were judged against
 * @param verdict {@code PASS} only when every fallback passes every enforced dimension
 * and the primary answered at least one request
 * @param findings why the verdict is {@code FAIL}, one readable sentence each; empty when
 * it passes
 * @param primary the primary's measurements
 * @param fallbacks each fallback's measurements, in chain order
 * @param verdicts each fallback's verdict, in chain order
 */
public record GateReport(@Nullable String chain, String generatedAt, long durationMs, int corpusSize, int schemaLines,
		int toolLines, GateTolerances tolerances, Verdict verdict, List<String> findings, ProviderStats primary,
		List<ProviderStats> fallbacks, List<FallbackVerdict> verdicts) {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	/** The formats a report renders to. */
	public enum Format {

		JSON("json"), MARKDOWN("md"), HTML("html");

		private final String extension;

		Format(String extension) {
			this.extension = extension;
		}

		/** The usual file extension, without the dot. */
		public String extension() {
			return this.extension;
		}

	}

	public GateReport {
		findings = List.copyOf(findings);
		fallbacks = List.copyOf(fallbacks);
		verdicts = List.copyOf(verdicts);
	}

	/**
	 * Whether the gate passed: the fallbacks are semantically safe within the tolerances.
	 */
	public boolean passed() {
		return this.verdict == Verdict.PASS;
	}

	/** Every provider's measurements, the primary first. */
	public List<ProviderStats> providers() {
		List<ProviderStats> all = new ArrayList<>(this.fallbacks.size() + 1);
		all.add(this.primary);
		all.addAll(this.fallbacks);
		return all;
	}

	/**
	 * The measurements of the provider of that name.
	 * @throws IllegalArgumentException when no such provider was replayed
	 */
	public ProviderStats provider(String name) {
		return providers().stream()
			.filter((stats) -> stats.provider().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No provider '" + name + "' in this gate report"));
	}

	/**
	 * The verdict on the fallback of that name.
	 * @throws IllegalArgumentException when it is not one of the report's fallbacks
	 */
	public FallbackVerdict verdictOf(String fallback) {
		return this.verdicts.stream()
			.filter((verdict) -> verdict.provider().equals(fallback))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No fallback '" + fallback + "' in this gate report"));
	}

	/**
	 * The report as indented JSON: the record components, enums in kebab-case, costs as
	 * plain decimals.
	 */
	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	/**
	 * The whole report as Markdown: verdict, per-provider table, tolerances, failed calls
	 * and violations.
	 */
	public String toMarkdown() {
		return GateReportRenderer.markdown(this, false);
	}

	/** Only the verdict section as Markdown: what diverged and by how much. */
	public String verdictMarkdown() {
		return GateReportRenderer.markdown(this, true);
	}

	/** The whole report as a self-contained HTML page. */
	public String toHtml() {
		return GateReportRenderer.html(this);
	}

	/** The report in the given format. */
	public String render(Format format) {
		return switch (format) {
			case JSON -> toJson();
			case MARKDOWN -> toMarkdown();
			case HTML -> toHtml();
		};
	}

}
