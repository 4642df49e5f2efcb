package io.llmfallback.provider.internal;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.JsonSchemaFormat;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.fixture;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose answer must match a JSON Schema, on each wire: OpenAI's
 * {@code response_format} of type {@code json_schema} with its {@code name},
 * {@code schema} and {@code strict}
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format,
 * https://platform.openai.com/docs/guides/structured-outputs); Gemini's
 * {@code generationConfig.responseMimeType} {@code application/json} with
 * {@code responseJsonSchema}, the field that takes JSON Schema as it is where
 * {@code responseSchema} takes an OpenAPI subset
 * (https://ai.google.dev/api/generate-content#generationconfig); Anthropic, whose
 * messages API the client sends no structured-outputs beta to, the JSON instruction with
 * the schema in the system prompt (https://docs.anthropic.com/en/api/messages).
 */
class JsonSchemaRequestTest {

	private static final String SCHEMA = """
			{"type":"object","properties":{"name":{"type":"string"},"date":{"type":"string"},\
			"participants":{"type":"array","items":{"type":"string"}}},\
			"required":["name","date","participants"],"additionalProperties":false}""";

	private static final ChatRequest EVENT = ChatRequest.ofUser("Alice and Bob are going to a science fair on Friday.")
		.withJsonSchema("calendar_event", SCHEMA);

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	@Test
	void openAiSendsAJsonSchemaResponseFormatWithoutTheJsonModeInstruction() {
		answer(ProviderType.OPENAI);

		success(provider(ProviderType.OPENAI, baseUrl(server)).chat(EVENT));

		server.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
				{
				  "model": "gpt-4o",
				  "messages": [ { "role": "user", "content": "Alice and Bob are going to a science fair on Friday." } ],
				  "max_tokens": 1024,
				  "response_format": {
				    "type": "json_schema",
				    "json_schema": { "name": "calendar_event", "strict": true, "schema": %s }
				  }
				}""".formatted(SCHEMA))));
	}

	@Test
	void openAiSendsStrictFalseWhenTheSchemaIsNotStrict() {
		answer(ProviderType.OPENAI);

		success(provider(ProviderType.OPENAI, baseUrl(server))
			.chat(EVENT.withJsonSchema(new JsonSchemaFormat("calendar_event", SCHEMA, false))));

		server.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
				{ "response_format": { "json_schema": { "strict": false } } }""", false, true)));
	}

	@Test
	void geminiSendsTheSchemaAsResponseJsonSchemaWithTheJsonMimeType() {
		answer(ProviderType.GEMINI);

		success(provider(ProviderType.GEMINI, baseUrl(server)).chat(EVENT));

		server.verify(1, postRequestedFor(urlPathEqualTo(ProviderTestKit.path(ProviderType.GEMINI)))
			.withRequestBody(equalToJson("""
					{
					  "contents": [ { "role": "user",
					    "parts": [ { "text": "Alice and Bob are going to a science fair on Friday." } ] } ],
					  "generationConfig": {
					    "maxOutputTokens": 1024,
					    "responseMimeType": "application/json",
					    "responseJsonSchema": %s
					  }
					}""".formatted(SCHEMA))));
	}

	@Test
	void anthropicPutsTheSchemaInTheSystemPromptAfterTheJsonInstruction() {
		answer(ProviderType.ANTHROPIC);

		success(provider(ProviderType.ANTHROPIC, baseUrl(server)).chat(EVENT.withSystem("You extract events.")));

		String system = "You extract events.\\n\\nRespond with a single JSON object and nothing else."
				+ " It must match this JSON Schema:\\n" + SCHEMA.replace("\"", "\\\"");
		server.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")).withRequestBody(equalToJson("""
				{
				  "model": "claude-sonnet-4-5",
				  "max_tokens": 1024,
				  "system": "%s",
				  "messages": [ { "role": "user", "content": "Alice and Bob are going to a science fair on Friday." } ]
				}""".formatted(system))));
	}

	@ParameterizedTest
	@MethodSource("io.llmfallback.provider.internal.ProviderTestKit#httpTypes")
	void aSchemaThatIsNotAJsonObjectIsABadRequestBeforeSending(ProviderType type) {
		answer(type);
		ChatRequest broken = ChatRequest.ofUser("Hi").withJsonSchema("calendar_event", "[\"type\", \"object\"]");

		ProviderException failure = failure(provider(type, baseUrl(server)).chat(broken));

		assertThat(failure.getCategory()).isEqualTo(FailureCategory.BAD_REQUEST);
		assertThat(failure.getMessage()).contains("calendar_event").contains("must be a JSON object");
		server.verify(0, postRequestedFor(urlPathEqualTo(ProviderTestKit.path(type))));
	}

	private static void answer(ProviderType type) {
		server.stubFor(post(urlPathEqualTo(ProviderTestKit.path(type)))
			.willReturn(okJson(fixture(ProviderTestKit.successFixture(type)))));
	}

}
