package io.llmfallback.gate.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.llmfallback.gate.CompatibilityGate;
import io.llmfallback.gate.GateCorpus;
import io.llmfallback.gate.GateReport;
import io.llmfallback.support.ScriptedProvider;
import io.llmfallback.validation.internal.FallbackValidation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GateValidationsTest {

	private static final GateCorpus CORPUS = GateCorpus.parse("""
			{"id":"q1","prompt":"Question 1"}
			""");

	private final GateValidations validations = new GateValidations();

	@Test
	void aChainIsUnvalidatedUntilAGateRunJudgesIt() {
		assertThat(this.validations.of("summarize")).isEqualTo(FallbackValidation.UNVALIDATED);

		this.validations.record("summarize", report("2026-11-25T10:00:00Z", "shorter"));

		assertThat(this.validations.of("summarize").status()).isEqualTo(FallbackValidation.Status.FAILED);
		assertThat(this.validations.of("summarize").checkedAt()).isEqualTo("2026-11-25T10:00:00Z");
	}

	@Test
	void aRunThatEndedEarlierDoesNotReplaceOneThatEndedLater() {
		this.validations.record("summarize", report("2026-11-25T10:00:00.500Z", "same"));
		this.validations.record("summarize", report("2026-11-25T10:00:00Z", "shorter"));

		assertThat(this.validations.of("summarize").status()).isEqualTo(FallbackValidation.Status.PASSED);
		assertThat(this.validations.of("summarize").checkedAt()).isEqualTo("2026-11-25T10:00:00.500Z");
	}

	@Test
	void aRunThatCouldNotRunLeavesTheChainUnvalidatedSayingWhy() {
		this.validations.record("summarize", report("2026-11-25T10:00:00Z", "same"));

		this.validations.recordNotRun("summarize", new UncheckedIOException("corpus unreadable", new IOException()));

		assertThat(this.validations.of("summarize")).isEqualTo(new FallbackValidation(
				FallbackValidation.Status.UNVALIDATED, null, 0, List.of("the gate could not run: corpus unreadable")));
	}

	/**
	 * A report generated at that instant, whose fallback answers the same or a much
	 * shorter text.
	 */
	private static GateReport report(String generatedAt, String fallbackAnswer) {
		String answer = fallbackAnswer.equals("same") ? "a long enough answer" : "a";
		return CompatibilityGate.builder(ScriptedProvider.answering("primary", "a long enough answer"))
			.fallback(ScriptedProvider.answering("fallback", answer))
			.clock(Clock.fixed(Instant.parse(generatedAt), ZoneOffset.UTC))
			.build()
			.runBlocking(CORPUS);
	}

}
