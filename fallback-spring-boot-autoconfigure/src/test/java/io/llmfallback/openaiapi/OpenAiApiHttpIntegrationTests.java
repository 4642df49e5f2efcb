package io.llmfallback.openaiapi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint over loopback HTTP, byte for byte: how OpenAI's request fields reach the
 * provider, and the errors in OpenAI's format for what a caller may send (no key,
 * malformed or oversized bodies, an unknown chain, malformed tools), with the gateway key
 * masked in the actuator and in every answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"llm.fallback.openai-api.enabled=true", "llm.fallback.openai-api.base-path=/openai/v1",
		"llm.fallback.openai-api.api-keys=" + OpenAiApiHttpIntegrationTests.KEY,
		"llm.fallback.openai-api.max-request-size=8KB", "llm.fallback.providers.gpt.type=openai",
		"llm.fallback.providers.gpt.model=gpt-4o-mini", "llm.fallback.providers.gpt.api-key=sk-provider-key-123456789",
		"llm.fallback.providers.slow.type=openai", "llm.fallback.providers.slow.model=gpt-4o-mini",
		"llm.fallback.providers.slow.timeout=1s", "llm.fallback.chains.late.providers=slow",
		"llm.fallback.chains.summarize.providers=gpt", "management.endpoints.web.exposure.include=env,configprops",
		"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always" })
@AutoConfigureWebTestClient
class OpenAiApiHttpIntegrationTests {

	static final String KEY = "gw-http-key-0123456789";

	private static final String COMPLETIONS = "/openai/v1/chat/completions";

	@RegisterExtension
	static final WireMockExtension gpt = WireMockProviders.server();

	@Autowired
	private WebTestClient webClient;

	@DynamicPropertySource
	static void providerUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.fallback.providers.gpt.base-url", gpt::baseUrl);
		registry.add("llm.fallback.providers.slow.base-url", () -> gpt.baseUrl() + "/slow");
	}

	@Test
	void openAisRequestFieldsReachTheProvider() {
		gpt.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Short.", 20, 2)));

		post("""
				{"model":"summarize","messages":[
				  {"role":"developer","content":"Be brief."},
				  {"role":"user","content":[{"type":"text","text":"Summarize:"},{"type":"text","text":"a long text"}]},
				  {"role":"assistant","content":"Sure."},
				  {"role":"user","content":"Go on","name":"ann"}],
				 "max_tokens":50,"temperature":0.3,"response_format":{"type":"json_object"},"top_p":0.9,"user":"u-1"}
				""").expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("chat.completion")
			.jsonPath("$.model")
			.isEqualTo("gpt-4o-2024-08-06")
			.jsonPath("$.choices[0].index")
			.isEqualTo(0)
			.jsonPath("$.choices[0].message.role")
			.isEqualTo("assistant")
			.jsonPath("$.choices[0].message.content")
			.isEqualTo("Short.")
			.jsonPath("$.choices[0].finish_reason")
			.isEqualTo("stop")
			.jsonPath("$.usage.prompt_tokens")
			.isEqualTo(20)
			.jsonPath("$.usage.completion_tokens")
			.isEqualTo(2)
			.jsonPath("$.usage.total_tokens")
			.isEqualTo(22);
		gpt.verify(postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)).withRequestBody(equalToJson("""
				{"model":"gpt-4o-mini","messages":[
				  {"role":"system","content":"Respond with a single JSON object and nothing else."},
				  {"role":"system","content":"Be brief."},
				  {"role":"user","content":"Summarize:\\na long text"},
				  {"role":"assistant","content":"Sure."},
				  {"role":"user","content":"Go on"}],
				 "max_tokens":50,"temperature":0.3,"response_format":{"type":"json_object"}}
				""", false, true)));
	}

	@Test
	void maxCompletionTokensWinsOverMaxTokens() {
		gpt.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Short.", 20, 2)));

		post("""
				{"model":"summarize","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":30,"max_tokens":50}
				""")
			.expectStatus()
			.isOk();
		gpt.verify(postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH))
			.withRequestBody(equalToJson("{\"max_tokens\":30}", false, true)));
	}

	@Test
	void aMissingKeyIsA401InOpenAisFormat() {
		this.webClient.get()
			.uri("/openai/v1/models")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.json("""
					{"error":{"message":"Incorrect or missing API key: send one of the configured keys as 'Authorization: Bearer <key>'",
					 "type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
					""",
					true);
		this.webClient.get()
			.uri("/openai/v1/models")
			.header(HttpHeaders.AUTHORIZATION, "Basic " + KEY)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void theModelsListIsOpenAisListFormat() {
		this.webClient.get()
			.uri("/openai/v1/models")
			.header(HttpHeaders.AUTHORIZATION, "bearer " + KEY)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("list")
			.jsonPath("$.data[*].id")
			.value((ids) -> assertThat(ids).asInstanceOf(InstanceOfAssertFactories.LIST)
				.containsExactlyInAnyOrder("summarize", "late"))
			.jsonPath("$.data[*].object")
			.value((objects) -> assertThat(objects).asInstanceOf(InstanceOfAssertFactories.LIST).containsOnly("model"))
			.jsonPath("$.data[*].owned_by")
			.value((owners) -> assertThat(owners).asInstanceOf(InstanceOfAssertFactories.LIST)
				.containsOnly("llm-fallback"))
			.jsonPath("$.data[0].created")
			.isNumber();
	}

	@Test
	void malformedJsonIsA400() {
		post("{\"model\":\"summarize\",\"messages\":[").expectStatus()
			.isBadRequest()
			.expectBody()
			.json("""
					{"error":{"message":"The request body is not valid JSON","type":"invalid_request_error","param":null,"code":null}}
					""",
					true);
	}

	@Test
	void invalidFieldsAre400sNamingTheParameter() {
		expectInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "model");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[]}", "messages");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}",
				"messages[0].role");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}",
				"messages[0].content[0]");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":0}",
				"max_tokens");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":3}",
				"temperature");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2}", "n");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
				+ "\"functions\":[{\"name\":\"f\"}]}", "functions");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":\"yes\"}",
				"stream");
		gpt.verify(0, postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void toolsImagesAndSamplingReachTheProviderInItsFormat() {
		gpt.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Resolved.", 40, 2)));

		post("""
				{"model":"summarize","messages":[
				  {"role":"user","content":[{"type":"text","text":"What broke?"},
				    {"type":"image_url","image_url":{"url":"https://status.example.com/p99.png","detail":"low"}},
				    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
				  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
				    "function":{"name":"get_incident","arguments":"{\\"id\\":\\"INC-42\\"}"}}]},
				  {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"resolved"}]}],
				 "tools":[{"type":"function","function":{"name":"get_incident","description":"Looks an incident up",
				   "parameters":{"type":"object","properties":{"id":{"type":"string"}}},"strict":true}},
				  {"type":"function","function":{"name":"now"}}],
				 "tool_choice":{"type":"function","function":{"name":"get_incident"}},
				 "stop":"END","top_p":0.5,"seed":11}
				""").expectStatus().isOk().expectBody().jsonPath("$.choices[0].message.content").isEqualTo("Resolved.");
		gpt.verify(postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)).withRequestBody(equalToJson("""
				{"messages":[
				  {"role":"user","content":[{"type":"text","text":"What broke?"},
				    {"type":"image_url","image_url":{"url":"https://status.example.com/p99.png"}},
				    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
				  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
				    "function":{"name":"get_incident","arguments":"{\\"id\\":\\"INC-42\\"}"}}]},
				  {"role":"tool","tool_call_id":"call_1","content":"resolved"}],
				 "tools":[{"type":"function","function":{"name":"get_incident","description":"Looks an incident up",
				   "parameters":{"type":"object","properties":{"id":{"type":"string"}}}}},
				  {"type":"function","function":{"name":"now","description":"",
				   "parameters":{"type":"object","properties":{}}}}],
				 "tool_choice":{"type":"function","function":{"name":"get_incident"}},
				 "stop":["END"],"top_p":0.5,"seed":11}
				""", false, true)));
	}

	@Test
	void aJsonSchemaResponseFormatReachesTheProviderAsOne() {
		gpt.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("Ticket 7.", 40, 2)));

		post("""
				{"model":"summarize","messages":[{"role":"user","content":"Which ticket?"}],
				 "response_format":{"type":"json_schema","json_schema":{"name":"ticket","strict":true,
				   "schema":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}}}}
				""").expectStatus().isOk().expectBody().jsonPath("$.choices[0].message.content").isEqualTo("Ticket 7.");
		gpt.verify(postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)).withRequestBody(equalToJson("""
				{"response_format":{"type":"json_schema","json_schema":{"name":"ticket","strict":true,
				  "schema":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}}}}
				""", false, true)));
	}

	@Test
	void aMalformedJsonSchemaIsA400NamingTheParameter() {
		String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"response_format\":{\"type\":\"json_schema\"}}",
				"response_format.json_schema");
		expectInvalid(
				"{\"model\":\"summarize\"," + hi
						+ ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}}",
				"response_format.json_schema.name");
		expectInvalid("{\"model\":\"summarize\"," + hi
				+ ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a b\",\"schema\":{}}}}",
				"response_format.json_schema.name");
		expectInvalid("{\"model\":\"summarize\"," + hi
				+ ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":[]}}}",
				"response_format.json_schema.schema");
		gpt.verify(0, postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void malformedToolsImagesAndSamplingAre400sNamingTheParameter() {
		String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
		String tool = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"tools\":{}}", "tools");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"tools\":[{\"type\":\"custom\",\"custom\":{}}]}",
				"tools[0]");
		expectInvalid(
				"{\"model\":\"summarize\"," + hi
						+ ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"no spaces\"}}]}",
				"tools[0].function.name");
		expectInvalid(
				"{\"model\":\"summarize\"," + hi
						+ ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]}",
				"tools[0].function.parameters");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"tools\":["
				+ String.join(",", Collections.nCopies(129, "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"))
				+ "]}", "tools");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"tool_choice\":\"required\"}", "tool_choice");
		expectInvalid("{\"model\":\"summarize\"," + hi + "," + tool + ",\"tool_choice\":\"any\"}", "tool_choice");
		expectInvalid(
				"{\"model\":\"summarize\"," + hi + "," + tool
						+ ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}",
				"tool_choice.function.name");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
						+ "{\"role\":\"tool\",\"tool_call_id\":\"call_9\",\"content\":\"ok\"}]}",
				"messages[1].tool_call_id");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":"
				+ "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]}",
				"messages[0].tool_calls[0]");
		expectInvalid("{\"model\":\"summarize\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[]}]}",
				"messages[0].tool_calls");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":"
						+ "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://example.com/a.png\"}}]}]}",
				"messages[0].content[0].image_url.url");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":"
						+ "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/bmp;base64,Qk0=\"}}]}]}",
				"messages[0].content[0].image_url.url");
		expectInvalid(
				"{\"model\":\"summarize\",\"messages\":[{\"role\":\"system\",\"content\":"
						+ "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}",
				"messages[0].content[0]");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"stop\":[\"\"]}", "stop");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"top_p\":0}", "top_p");
		expectInvalid("{\"model\":\"summarize\"," + hi + ",\"seed\":1.5}", "seed");
		gpt.verify(0, postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void deeplyNestedJsonIsA400() {
		post("{\"model\":\"summarize\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.message")
			.isEqualTo("The request body is not valid JSON");
	}

	@Test
	void anUnknownChainIsA404ModelNotFound() {
		post("{\"model\":\"" + "x".repeat(500) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.code")
			.isEqualTo("model_not_found")
			.jsonPath("$.error.param")
			.isEqualTo("model")
			.jsonPath("$.error.message")
			.isEqualTo(
					"The model '" + "x".repeat(64) + "...' does not exist: it names no chain; GET /models lists them");
	}

	@Test
	void aBodyOverTheLimitIsA413WhateverItsDeclaredLength() {
		String large = "{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(9000)
				+ "\"}]}";
		String expected = """
				{"error":{"message":"The request body is larger than the 8192 bytes this endpoint reads",
				 "type":"invalid_request_error","param":null,"code":"request_too_large"}}
				""";
		post(large).expectStatus().isEqualTo(413).expectBody().json(expected, true);
		// Chunked, without a Content-Length: refused once the bytes read pass the limit.
		byte[] bytes = large.getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> chunks = Flux.range(0, bytes.length / 500 + 1)
			.map((i) -> DefaultDataBufferFactory.sharedInstance
				.wrap(Arrays.copyOfRange(bytes, i * 500, Math.min(bytes.length, (i + 1) * 500))));
		this.webClient.post()
			.uri(COMPLETIONS)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.body(chunks, DataBuffer.class)
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.json(expected, true);
		gpt.verify(0, postRequestedFor(urlPathEqualTo(OpenAiStubs.PATH)));
	}

	@Test
	void aProviderRefusingTheRequestIsA400AndAProviderRefusingOurKeyA502() {
		gpt.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(400, "invalid_request_error", "unsupported_parameter",
					"Unsupported parameter: 'max_tokens' is not supported with this model.")));
		post("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.json("""
					{"error":{"message":"The provider refused the request (gpt: bad-request)",
					 "type":"invalid_request_error","param":null,"code":null}}
					""", true);

		gpt.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(401, "invalid_request_error", "invalid_api_key",
					"Incorrect API key provided: sk-provi*****6789.")));
		post("{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.valueEquals("x-should-retry", "false")
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("chain_aborted")
			.jsonPath("$.error.message")
			.isEqualTo("Chain 'summarize' stopped on auth (gpt: auth)");
	}

	@Test
	void aChainOutOfTimeIsA504() {
		gpt.stubFor(WireMock.post("/slow" + OpenAiStubs.PATH)
			.willReturn(OpenAiStubs.completion("Late.", 20, 2).withFixedDelay(3000)));

		post("{\"model\":\"late\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.valueEquals("x-should-retry", "false")
			.expectBody()
			.json("""
					{"error":{"message":"Chain 'late' ran out of time (slow: timeout)",
					 "type":"server_error","param":null,"code":"timeout"}}
					""", true);
	}

	@Test
	void theGatewayKeyIsMaskedInTheActuator() {
		for (String endpoint : new String[] { "/actuator/env", "/actuator/configprops" }) {
			String body = this.webClient.get()
				.uri(endpoint)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as(endpoint)
				.contains("llm.fallback.openai-api")
				.doesNotContain(KEY)
				.doesNotContain("sk-provider-key-123456789");
		}
	}

	private void expectInvalid(String body, String param) {
		post(body).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error.param")
			.isEqualTo(param);
	}

	private WebTestClient.ResponseSpec post(String body) {
		return this.webClient.mutate()
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.post()
			.uri(COMPLETIONS)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	@SpringBootApplication
	static class TestApplication {

	}

}
