package io.llmfallback.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * WireMock answers in OpenAI's chat-completions wire format, for tests of what the chain
 * does with them. The provider-level tests check each format against the API references
 * in detail.
 */
public final class OpenAiStubs {

	public static final String PATH = "/v1/chat/completions";

	private OpenAiStubs() {
	}

	public static MappingBuilder chatCompletion() {
		return post(urlEqualTo(PATH));
	}

	public static ResponseDefinitionBuilder completion(String text, int promptTokens, int completionTokens) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
				{"id":"chatcmpl-123","object":"chat.completion","created":1741569952,"model":"gpt-4o-2024-08-06",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
				 "logprobs":null,"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
				""".formatted(text, promptTokens, completionTokens, promptTokens + completionTokens));
	}

	public static ResponseDefinitionBuilder error(int status, String type, String code, String message) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("""
				{"error":{"message":"%s","type":"%s","param":null,"code":%s}}
				""".formatted(message, type, code.isEmpty() ? "null" : "\"" + code + "\""));
	}

	public static void healthy(WireMockServer server, String text) {
		server.stubFor(chatCompletion().willReturn(completion(text, 12, 5)));
	}

}
