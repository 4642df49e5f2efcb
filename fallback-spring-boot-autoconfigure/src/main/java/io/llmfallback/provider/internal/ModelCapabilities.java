package io.llmfallback.provider.internal;

import java.util.Map;

import io.llmfallback.model.internal.ModelCatalog;
import io.llmfallback.provider.ProviderCapabilities;
import org.jspecify.annotations.Nullable;

/**
 * Capabilities of a handful of well-known models on their vendors' own APIs, as this
 * library's clients speak them, for providers whose capabilities are not configured. As
 * of 2026-11-25: models change, and a gateway or a cloud may serve the same model with
 * less (no images, a smaller window), so a configured capability always wins.
 * <p>
 * A model matches an entry as {@link ModelCatalog} says.
 */
public final class ModelCapabilities {

	// Context windows in tokens, of the prompt the model reads. Sources:
	// platform.openai.com/docs/models (gpt-4o and gpt-4o-mini 128,000; gpt-4.1 family
	// 1,047,576; o3, o3-mini, o4-mini 200,000; structured outputs from gpt-4o-2024-08-06
	// on, o3-mini without vision);
	// platform.claude.com/docs/en/about-claude/models/overview
	// (200K for every model listed; 3.5 Haiku launched without image input);
	// ai.google.dev/gemini-api/docs/models (input token limit 1,048,576 for the 2.0 and
	// 2.5
	// models; function calling and structured outputs supported).
	private static final ModelCatalog<ProviderCapabilities> CAPABILITIES = new ModelCatalog<>(Map.ofEntries(
			openAi("gpt-4o", true, true, 128_000),
			// The first gpt-4o snapshot predates structured outputs.
			openAi("gpt-4o-2024-05-13", true, false, 128_000), openAi("gpt-4o-mini", true, true, 128_000),
			openAi("gpt-4.1", true, true, 1_047_576), openAi("gpt-4.1-mini", true, true, 1_047_576),
			openAi("gpt-4.1-nano", true, true, 1_047_576), openAi("o3", true, true, 200_000),
			openAi("o3-mini", false, true, 200_000), openAi("o4-mini", true, true, 200_000),
			// Anthropic's structured outputs are a beta behind a header this client does
			// not send, so none has a schema mode here; Sonnet's 1M window is a beta too.
			// The -4-0 names alias the first Claude 4 snapshots; a one-digit suffix is a
			// version, never a snapshot, so they are listed themselves.
			anthropic("claude-opus-4", true), anthropic("claude-opus-4-0", true), anthropic("claude-opus-4-1", true),
			anthropic("claude-sonnet-4", true), anthropic("claude-sonnet-4-0", true),
			anthropic("claude-sonnet-4-5", true), anthropic("claude-haiku-4-5", true),
			anthropic("claude-3-7-sonnet", true), anthropic("claude-3-5-sonnet", true),
			anthropic("claude-3-5-haiku", false), gemini("gemini-2.5-pro"), gemini("gemini-2.5-flash"),
			gemini("gemini-2.5-flash-lite"), gemini("gemini-2.0-flash"), gemini("gemini-2.0-flash-lite")));

	private ModelCapabilities() {
	}

	/**
	 * The capabilities of a model, or {@code null} when the table does not know it.
	 * @param model the model as configured; Google's {@code models/} prefix is allowed
	 */
	public static @Nullable ProviderCapabilities forModel(String model) {
		return CAPABILITIES.forModel(model);
	}

	private static Map.Entry<String, ProviderCapabilities> openAi(String model, boolean images, boolean jsonSchema,
			int contextWindow) {
		return Map.entry(model, new ProviderCapabilities(true, images, jsonSchema, contextWindow));
	}

	private static Map.Entry<String, ProviderCapabilities> anthropic(String model, boolean images) {
		return Map.entry(model, new ProviderCapabilities(true, images, false, 200_000));
	}

	private static Map.Entry<String, ProviderCapabilities> gemini(String model) {
		return Map.entry(model, new ProviderCapabilities(true, true, true, 1_048_576));
	}

}
