package io.llmfallback.sample.middleware;

/** The input guardrail refused a prompt; no provider was called. The app answers 400. */
public class PromptRejectedException extends RuntimeException {

	public PromptRejectedException(String message) {
		super(message);
	}

}
