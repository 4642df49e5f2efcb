package io.llmfallback.model;

import java.util.List;
import java.util.Set;

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

	@Test
	void reportedNegativeCountsAreReadAsZeroAndMarked() {
		assertThat(reported(-5, 12, 0)).isEqualTo(new TokenUsage(0, 12, 0, Set.of(TokenUsage.Count.INPUT)));
		assertThat(reported(40, -1, -3))
			.isEqualTo(new TokenUsage(40, 0, 0, Set.of(TokenUsage.Count.INPUT, TokenUsage.Count.OUTPUT)));
	}

	@Test
	void reportedCachedTokensBeyondThePromptAreReadAsNoneAndMarkedAsInput() {
		TokenUsage usage = reported(1000, 21, 1664);

		assertThat(usage).isEqualTo(new TokenUsage(1000, 21, 0, Set.of(TokenUsage.Count.INPUT)));
		assertThat(usage.uncachedInputTokens()).as("the whole prompt at the full price").isEqualTo(1000);
	}

	@Test
	void reportedNegativePartIsReadAsZeroAndTheOtherPartsKept() {
		TokenUsage usage = new TokenUsage.Reported(List.of(40L, 0L, -1L), List.of(12L, -7L), -1).consistent();

		assertThat(usage).isEqualTo(new TokenUsage(40, 12, 0, Set.of(TokenUsage.Count.INPUT, TokenUsage.Count.OUTPUT)));
	}

	@Test
	void reportedPartsAddUpToAtMostTheLargestLong() {
		TokenUsage usage = new TokenUsage.Reported(List.of(Long.MAX_VALUE, 5L), List.of(1L, 2L), 3).consistent();

		assertThat(usage).isEqualTo(new TokenUsage(Long.MAX_VALUE, 3, 3));
	}

	@Test
	void consistentReportedUsageIsKeptUnmarked() {
		assertThat(reported(4376, 31, 3072)).isEqualTo(new TokenUsage(4376, 31, 3072));
	}

	@Test
	void clampedUsageStaysMarkedWhenWithinTheBounds() {
		TokenUsage usage = reported(-5, 12, 0);

		assertThat(usage.clampedTo(3_000, 1_116)).isSameAs(usage);
		assertThat(usage.isClamped()).isTrue();
	}

	@Test
	void clampsCountsBeyondTheirBoundsAndMarksThem() {
		TokenUsage usage = new TokenUsage(5_000, Long.MAX_VALUE, 4_000).clampedTo(3_000, 1_116);

		assertThat(usage)
			.isEqualTo(new TokenUsage(3_000, 1_116, 3_000, Set.of(TokenUsage.Count.INPUT, TokenUsage.Count.OUTPUT)));
		assertThat(usage.isClamped()).isTrue();
		assertThat(usage.totalTokens()).isEqualTo(4_116);
	}

	@Test
	void usageWithinItsBoundsIsKept() {
		TokenUsage usage = new TokenUsage(3_000, 1_116, 100);

		assertThat(usage.clampedTo(3_000, 1_116)).isSameAs(usage);
		assertThat(usage.isClamped()).isFalse();
	}

	private static TokenUsage reported(long inputTokens, long outputTokens, long cachedInputTokens) {
		return new TokenUsage.Reported(List.of(inputTokens), List.of(outputTokens), cachedInputTokens).consistent();
	}

}
