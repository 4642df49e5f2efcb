package io.llmfallback.starter;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * What the starter adds to a fresh application, on exactly the class path the starter
 * brings: its own health component and endpoint, and nothing of Spring Cloud's, whose
 * circuit-breaker API it uses.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=*",
				"management.endpoint.health.show-components=always", "llm.fallback.providers.primary.type=openai",
				"llm.fallback.providers.primary.base-url=http://127.0.0.1:9",
				"llm.fallback.providers.primary.model=gpt-4o", "llm.fallback.chains.default.providers=primary" })
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class StarterFootprintTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient client;

	@Test
	void healthHasBootsComponentsAndTheStartersOnly() {
		assertThat(get("/actuator/health").get("components")).asInstanceOf(MAP)
			.doesNotContainKeys("discoveryComposite", "reactiveDiscoveryClients", "refreshScope")
			.containsOnlyKeys("diskSpace", "livenessState", "ping", "readinessState", "ssl", "llmFallback");
	}

	@Test
	void endpointsAreBootsAndTheStartersOnly() {
		assertThat(get("/actuator").get("_links")).asInstanceOf(MAP)
			.doesNotContainKeys("refresh", "features")
			.containsOnlyKeys("self", "beans", "conditions", "configprops", "configprops-prefix", "env", "env-toMatch",
					"health", "health-path", "info", "loggers", "loggers-name", "mappings", "metrics",
					"metrics-requiredMetricName", "sbom", "sbom-id", "scheduledtasks", "threaddump", "llmfallback",
					"llmfallback-chain", "llmfallback-chain-section");
	}

	@Test
	void environmentShowsTheSpringCloudDefaultsAndNotTheHostsAddress() {
		List<String> sources = ((List<?>) get("/actuator/env").get("propertySources")).stream()
			.map((source) -> (String) ((Map<?, ?>) source).get("name"))
			.toList();
		assertThat(sources).contains("llmFallbackSpringCloudDefaults").doesNotContain("springCloudClientHostInfo");
	}

	@Test
	void startUpLogsNoWarning(CapturedOutput output) {
		assertThat(output.getOut()).contains("Started StarterFootprintTests").doesNotContain(" WARN ");
		assertThat(output.getErr()).isEmpty();
	}

	private Map<String, Object> get(String path) {
		return this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON)
			.returnResult()
			.getResponseBody();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class FreshApplication {

	}

}
