package io.llmfallback.provider.internal;

import io.llmfallback.provider.ProviderCapabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Built-in capabilities by model name, matched as the prices are; and the default for a
 * model the table does not know.
 */
class ModelCapabilitiesTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			gpt-4o,                     true, true,  true,  128000
			gpt-4o-2024-08-06,          true, true,  true,  128000
			gpt-4o-2024-05-13,          true, true,  false, 128000
			gpt-4o-mini-2024-07-18,     true, true,  true,  128000
			gpt-4.1-2025-04-14,         true, true,  true,  1047576
			gpt-4.1-nano,               true, true,  true,  1047576
			o3-2025-04-16,              true, true,  true,  200000
			o3-mini,                    true, false, true,  200000
			o4-mini,                    true, true,  true,  200000
			claude-opus-4-1-20250805,   true, true,  false, 200000
			claude-sonnet-4-5-20250929, true, true,  false, 200000
			claude-sonnet-4-0,          true, true,  false, 200000
			claude-haiku-4-5,           true, true,  false, 200000
			claude-3-7-sonnet-latest,   true, true,  false, 200000
			claude-3-5-haiku-20241022,  true, false, false, 200000
			models/gemini-2.5-pro,      true, true,  true,  1048576
			gemini-2.5-flash-lite,      true, true,  true,  1048576
			gemini-2.0-flash-001,       true, true,  true,  1048576
			""")
	void findsTheLongestEntryTheModelIsOrIsASnapshotOf(String model, boolean tools, boolean images, boolean jsonSchema,
			int contextWindow) {
		assertThat(ModelCapabilities.forModel(model))
			.isEqualTo(new ProviderCapabilities(tools, images, jsonSchema, contextWindow));
	}

	@ParameterizedTest
	@ValueSource(strings = { "claude-opus-4-5", "gpt-4o-audio-preview", "o3-pro", "gemini-1.5-pro", "llama3.2", "" })
	void aModelTheTableDoesNotKnowIsTakenToTakeEverything(String model) {
		assertThat(ModelCapabilities.forModel(model)).isNull();
		assertThat(ProviderSettings.capabilitiesOf(model)).isEqualTo(ProviderCapabilities.UNRESTRICTED);
	}

	@Test
	void aContextWindowIsPositiveAndAnUnknownOneHoldsAnyPrompt() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProviderCapabilities(true, true, true, 0))
			.withMessage("contextWindow must be positive, was 0");
		assertThat(ProviderCapabilities.UNRESTRICTED.fits(Long.MAX_VALUE)).isTrue();
		assertThat(new ProviderCapabilities(true, true, true, 100).fits(100)).isTrue();
		assertThat(new ProviderCapabilities(true, true, true, 100).fits(101)).isFalse();
	}

}
