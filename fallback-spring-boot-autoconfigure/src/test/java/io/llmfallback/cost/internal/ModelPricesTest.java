package io.llmfallback.cost.internal;

import java.math.BigDecimal;

import io.llmfallback.cost.Pricing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * List prices by model name: exact names, dated snapshots, and names that only share a
 * prefix.
 */
class ModelPricesTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			gpt-4o,                       2.50,  10.00, 1.25
			gpt-4o-2024-08-06,            2.50,  10.00, 1.25
			gpt-4o-2024-11-20,            2.50,  10.00, 1.25
			gpt-4o-2024-05-13,            5.00,  15.00, 5.00
			gpt-4o-mini,                  0.15,  0.60,  0.075
			gpt-4o-mini-2024-07-18,       0.15,  0.60,  0.075
			gpt-4.1,                      2.00,  8.00,  0.50
			gpt-4.1-2025-04-14,           2.00,  8.00,  0.50
			gpt-4.1-mini-2025-04-14,      0.40,  1.60,  0.10
			o3-2025-04-16,                2.00,  8.00,  0.50
			o4-mini,                      1.10,  4.40,  0.275
			claude-opus-4-20250514,       15.00, 75.00, 1.50
			claude-opus-4-0,              15.00, 75.00, 1.50
			claude-opus-4-1-20250805,     15.00, 75.00, 1.50
			claude-sonnet-4-20250514,     3.00,  15.00, 0.30
			claude-sonnet-4-0,            3.00,  15.00, 0.30
			claude-sonnet-4-5,            3.00,  15.00, 0.30
			claude-sonnet-4-5-20250929,   3.00,  15.00, 0.30
			claude-haiku-4-5-20251001,    1.00,  5.00,  0.10
			claude-3-5-haiku-latest,      0.80,  4.00,  0.08
			claude-3-5-haiku-20241022,    0.80,  4.00,  0.08
			gemini-2.5-pro,               1.25,  10.00, 0.125
			models/gemini-2.5-pro,        1.25,  10.00, 0.125
			gemini-2.5-flash,             0.30,  2.50,  0.03
			gemini-2.0-flash-001,         0.10,  0.40,  0.025
			""")
	void findsTheLongestEntryTheModelIsOrIsASnapshotOf(String model, String input, String output, String cachedInput) {
		assertThat(ModelPrices.forModel(model))
			.isEqualTo(new Pricing(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cachedInput)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "claude-opus-4-5", "claude-opus-4-5-20251101", "claude-sonnet-4-6",
			"gemini-2.5-flash-lite", "gemini-2.5-flash-preview-09-2025", "gpt-4o-audio-preview", "gpt-4.1-nano",
			"o3-mini", "o3-pro", "llama3.1:8b", "" })
	void knowsNoPriceForAModelThatOnlySharesAPrefix(String model) {
		assertThat(ModelPrices.forModel(model)).isNull();
	}

}
