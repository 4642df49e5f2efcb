package io.llmfallback.model.internal;

import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Facts about well-known models, by model name: their list prices, their capabilities.
 * <p>
 * A model matches an entry by its exact name or as a snapshot of it: the entry followed
 * by a date or version ({@code claude-sonnet-4-20250514}, {@code gpt-4o-2024-08-06},
 * {@code gemini-2.0-flash-001}) or {@code -latest}. The longest matching entry wins, so a
 * snapshot listed apart from its family ({@code gpt-4o-2024-05-13}) keeps its own facts,
 * and a different model that merely shares a prefix ({@code gpt-4o-mini},
 * {@code claude-opus-4-5}, {@code gemini-2.5-flash-lite}) never takes another's. Google's
 * {@code models/} prefix is allowed.
 *
 * @param <V> what the catalog knows of a model
 */
public final class ModelCatalog<V> {

	// Anthropic's -20250514, OpenAI's -2024-08-06, Google's -001, and the -latest
	// aliases.
	private static final Pattern SNAPSHOT = Pattern.compile("-(latest|\\d{8}|\\d{4}-\\d{2}-\\d{2}|\\d{3})");

	private final Map<String, V> entries;

	public ModelCatalog(Map<String, V> entries) {
		this.entries = Map.copyOf(entries);
	}

	/**
	 * What the catalog knows of the model, or {@code null} when it does not know it.
	 * @param model the model as configured
	 */
	public @Nullable V forModel(String model) {
		// Google's model listing names models "models/gemini-..."; both spellings mean
		// the same model.
		String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
		String match = null;
		for (String entry : this.entries.keySet()) {
			if (id.startsWith(entry)
					&& (id.length() == entry.length() || SNAPSHOT.matcher(id.substring(entry.length())).matches())
					&& (match == null || entry.length() > match.length())) {
				match = entry;
			}
		}
		return (match != null) ? this.entries.get(match) : null;
	}

}
