package io.llmfallback.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Cached prompt tokens are a part of the prompt tokens, never more. */
class TokenUsageTest {

	@Test
	void cachedTokensArePartOfTheInputTokens() {
		TokenUsage usage = new TokenUsage(4376, 31, 3072);

		assertThat(usage.uncachedInputTokens()).isEqualTo(1304);
		assertThat(usage.totalTokens()).isEqualTo(4407);
	}

	@Test
	void withoutCachedTokensEveryPromptTokenIsUncached() {
		TokenUsage usage = new TokenUsage(57, 23);

		assertThat(usage.cachedInputTokens()).isZero();
		assertThat(usage.uncachedInputTokens()).isEqualTo(57);
		assertThat(usage).isEqualTo(new TokenUsage(57, 23, 0));
	}

	@Test
	void rejectsMoreCachedTokensThanInputTokens() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenUsage(1000, 21, 1664))
			.withMessage("Cached input tokens (1664) cannot exceed the input tokens they are part of (1000)");
	}

	@Test
	void rejectsNegativeCounts() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenUsage(10, 5, -1))
			.withMessage("Token counts cannot be negative");
	}

}
