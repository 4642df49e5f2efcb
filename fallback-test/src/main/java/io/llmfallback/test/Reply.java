package io.llmfallback.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP answer of a simulated provider.
 *
 * @param status the HTTP status
 * @param body the JSON body, empty for a stream
 * @param headers headers besides the content type
 * @param events the answer as server-sent events, when the request asked for a stream
 */
record Reply(int status, String body, Map<String, String> headers, @Nullable EventStream events) {

	Reply(int status, String body, Map<String, String> headers) {
		this(status, body, headers, null);
	}

	Reply(int status, String body) {
		this(status, body, Map.of());
	}

	/** A 200 streaming these events. */
	static Reply streaming(EventStream events) {
		return new Reply(200, "", Map.of(), events);
	}

}
