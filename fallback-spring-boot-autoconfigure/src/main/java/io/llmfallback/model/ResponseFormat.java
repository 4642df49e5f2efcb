package io.llmfallback.model;

/** The shape the caller asks the model to answer in. */
public enum ResponseFormat {

	/** Free text. */
	TEXT,
	/**
	 * A JSON object (OpenAI {@code json_object}, Gemini {@code application/json}, a
	 * prompt instruction for Anthropic).
	 */
	JSON

}
