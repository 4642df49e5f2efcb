package io.llmfallback.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code llm.fallback.*} properties do not describe a working set of providers and
 * chains.
 */
public final class InvalidLlmFallbackConfigurationException extends RuntimeException {

	private final List<Problem> problems;

	/**
	 * @param problems every wrong property, each reported with its reason
	 */
	public InvalidLlmFallbackConfigurationException(List<Problem> problems) {
		super("Invalid llm-fallback configuration:\n" + describe(problems));
		this.problems = List.copyOf(problems);
	}

	public List<Problem> getProblems() {
		return this.problems;
	}

	/** The problems, one a line, as the exception and the failure analysis print them. */
	public static String describe(List<Problem> problems) {
		return problems.stream().map((problem) -> "  - " + problem).collect(Collectors.joining("\n"));
	}

	/**
	 * One wrong property.
	 *
	 * @param property the full property name, e.g.
	 * {@code llm.fallback.chains.summarize.providers[1]}
	 * @param reason what is wrong with it
	 */
	public record Problem(String property, String reason) {

		@Override
		public String toString() {
			return this.property + ": " + this.reason;
		}

	}

}
