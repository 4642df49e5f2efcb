package io.llmfallback.aop;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link LlmFallback} methods that cannot work: a chain that is not configured, a
 * fallback method that cannot be found. Thrown at start-up, naming every such method.
 */
public final class InvalidLlmFallbackUsageException extends IllegalStateException {

	private final List<String> problems;

	public InvalidLlmFallbackUsageException(List<String> problems) {
		super("Invalid @LlmFallback usage:\n" + describe(problems));
		this.problems = List.copyOf(problems);
	}

	/**
	 * One line per offending method, e.g.
	 * {@code SummaryService.summarize: no chain named 'sumarize' ...}.
	 */
	public List<String> getProblems() {
		return this.problems;
	}

	/** The problems as an indented list, one a line. */
	public static String describe(List<String> problems) {
		return problems.stream().map((problem) -> "  - " + problem).collect(Collectors.joining("\n"));
	}

}
