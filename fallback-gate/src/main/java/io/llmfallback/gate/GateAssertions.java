package io.llmfallback.gate;

/**
 * Assertions for tests that fail a build when a fallback is not semantically safe. They
 * throw a plain {@link AssertionError}, which every test framework reports as a failure,
 * with the report's Markdown verdict section as the message: what diverged, by how much,
 * against which tolerance.
 *
 * <pre>
 * &#64;Test
 * void fallbacksAreSemanticallySafe() {
 *     GateReport report = GateAssertions.assertCompatible(gate, GateCorpus.read(Path.of("src/test/resources/corpus.jsonl")));
 * }
 * </pre>
 */
public final class GateAssertions {

	private GateAssertions() {
	}

	/**
	 * Asserts that every fallback passed every enforced dimension.
	 * @return the report, for further assertions
	 * @throws AssertionError with the Markdown verdict section as the message when the
	 * gate failed
	 */
	public static GateReport assertCompatible(GateReport report) {
		if (!report.passed()) {
			throw new AssertionError(message(report));
		}
		return report;
	}

	/**
	 * Asserts that one fallback passed every enforced dimension, whatever the others did.
	 * @return the report, for further assertions
	 * @throws AssertionError listing what diverged when it did not, or when the primary
	 * answered nothing
	 * @throws IllegalArgumentException when the report has no fallback of that name
	 */
	public static GateReport assertCompatible(GateReport report, String fallback) {
		FallbackVerdict verdict = report.verdictOf(fallback);
		if (verdict.verdict() != Verdict.PASS || report.primary().successes() == 0) {
			throw new AssertionError(message(report));
		}
		return report;
	}

	/**
	 * Replays the corpus through the gate, waits for the report and asserts that it
	 * passed.
	 * @return the report, for further assertions
	 * @throws AssertionError with the Markdown verdict section as the message when the
	 * gate failed
	 */
	public static GateReport assertCompatible(CompatibilityGate gate, GateCorpus corpus) {
		return assertCompatible(gate.runBlocking(corpus));
	}

	private static String message(GateReport report) {
		String scope = (report.chain() != null) ? "chain '" + report.chain() + "'" : "the chain";
		return "Compatibility gate failed: a fallback of " + scope + " is not semantically safe.\n\n"
				+ report.verdictMarkdown();
	}

}
