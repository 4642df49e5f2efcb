package io.llmfallback.sample.simulator;

import java.util.Map;

/**
 * An HTTP answer of a simulated provider.
 *
 * @param status the HTTP status
 * @param body the JSON body
 * @param headers headers besides the content type
 */
record Reply(int status, String body, Map<String, String> headers) {

	Reply(int status, String body) {
		this(status, body, Map.of());
	}

}
