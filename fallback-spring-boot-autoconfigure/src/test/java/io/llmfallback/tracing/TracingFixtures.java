package io.llmfallback.tracing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.llmfallback.support.OpenAiStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** Provider stubs and W3C trace-context parsing shared by the tracing tests. */
final class TracingFixtures {

	/** Recognisable, so that a leak into any span is unmistakable. */
	static final String API_KEY = "sk-proj-Tr4ceTOPSECRETkey0123456789";

	/** The part of the key that no redaction keeps. */
	static final String KEY_SECRET_PART = "Tr4ceTOPSECRET";

	private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

	private TracingFixtures() {
	}

	static WireMockServer startedWireMock() {
		WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		server.start();
		return server;
	}

	/**
	 * An OpenAI 500 whose message echoes the API key, as a misbehaving upstream might.
	 */
	static ResponseDefinitionBuilder serverErrorEchoingKey() {
		return aResponse().withStatus(500).withHeader("Content-Type", "application/json").withBody("""
				{"error":{"message":"upstream failure for key %s","type":"server_error","param":null,"code":null}}
				""".formatted(API_KEY));
	}

	/**
	 * An OpenAI chat completion served by {@code model} with the given usage,
	 * {@code cachedTokens} of the prompt tokens read from the prompt cache.
	 */
	static ResponseDefinitionBuilder completion(String model, String text, int promptTokens, int cachedTokens,
			int completionTokens) {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("""
					{"id":"chatcmpl-trace","object":"chat.completion","created":1741569952,"model":"%s",
					 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
					 "logprobs":null,"finish_reason":"stop"}],
					 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
					  "prompt_tokens_details":{"cached_tokens":%d,"audio_tokens":0}}}
					""".formatted(model, text, promptTokens, completionTokens, promptTokens + completionTokens,
					cachedTokens));
	}

	/** The chat-completion requests the server received, oldest first. */
	static List<LoggedRequest> chatRequests(WireMockServer server) {
		return server.findAll(postRequestedFor(urlEqualTo(OpenAiStubs.PATH)));
	}

	/**
	 * The W3C {@code traceparent} the request carried; fails when it has none or a
	 * malformed one.
	 */
	static TraceParent traceParent(LoggedRequest request) {
		String header = request.getHeader("traceparent");
		if (header == null) {
			throw new AssertionError(
					"Provider request carried no traceparent header; headers: " + request.getHeaders());
		}
		Matcher matcher = TRACEPARENT.matcher(header);
		if (!matcher.matches()) {
			throw new AssertionError("Malformed traceparent: " + header);
		}
		return new TraceParent(matcher.group(1), matcher.group(2), matcher.group(3));
	}

	/**
	 * A decoded {@code traceparent}: the trace, the calling span, and the flags
	 * ({@code 01} = sampled).
	 */
	record TraceParent(String traceId, String parentSpanId, String flags) {
	}

}
