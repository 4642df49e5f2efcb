package io.llmfallback.provider.internal;

/**
 * A body that passed the answer's cap or the shared {@link ResponseBudget}; reading it
 * stopped there.
 */
final class ResponseTooLargeException extends RuntimeException {

	/** Which bound the body passed. */
	enum Limit {

		/** The provider's cap on one answer. */
		RESPONSE,

		/** The budget of all answers being read at once. */
		BUDGET,

		/** The cap on one event of a streamed answer. */
		EVENT,

		/** The cap on the whole of a streamed answer. */
		STREAM

	}

	/** Which bound was passed, in words, for the failure it becomes. */
	private final String detail;

	ResponseTooLargeException(Limit limit, long bytes) {
		this(switch (limit) {
			case RESPONSE -> "response larger than the " + size(bytes) + " cap on one answer";
			case BUDGET -> "the " + size(bytes) + " budget of responses being read at once is used up";
			case EVENT -> "stream event larger than the " + size(bytes) + " cap on one event";
			case STREAM -> "stream larger than the " + size(bytes) + " cap on one streamed answer";
		});
	}

	private ResponseTooLargeException(String detail) {
		super(detail, null, false, false);
		this.detail = detail;
	}

	String detail() {
		return this.detail;
	}

	private static String size(long bytes) {
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + " MB";
		}
		return (bytes % 1024 == 0) ? (bytes / 1024) + " KB" : bytes + " bytes";
	}

}
