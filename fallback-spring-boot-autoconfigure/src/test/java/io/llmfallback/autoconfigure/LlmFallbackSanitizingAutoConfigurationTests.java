package io.llmfallback.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class LlmFallbackSanitizingAutoConfigurationTests {

	private static final String KEY = "sk-proj-Zq9TOPSECRETvalue0123456789";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmFallbackSanitizingAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.api-key=" + KEY, "llm.fallback.providers.local.api-key=x");

	@Test
	void aConfiguredKeyIsMaskedInsideAnyValueByValue() {
		this.contextRunner.run((context) -> {
			List<SanitizingFunction> functions = List.copyOf(context.getBeansOfType(SanitizingFunction.class).values());
			assertThat(sanitized(functions, "deploy.token", KEY)).isEqualTo("******");
			assertThat(sanitized(functions, "sun.java.command", "app.jar --llm.fallback.providers.gpt.api-key=" + KEY))
				.isEqualTo("app.jar --llm.fallback.providers.gpt.api-key=******");
		});
	}

	@Test
	void aShortPlaceholderKeyIsMaskedByNameOnlySoOtherValuesStayReadable() {
		this.contextRunner.run((context) -> {
			List<SanitizingFunction> functions = List.copyOf(context.getBeansOfType(SanitizingFunction.class).values());
			assertThat(sanitized(functions, "java.home", "/usr/lib/jvm/xyz")).isEqualTo("/usr/lib/jvm/xyz");
			assertThat(sanitized(functions, "llm.fallback.providers.local.api-key", "x")).isEqualTo("******");
		});
	}

	@Test
	void theOpenAiEndpointsKeysAreMaskedByNameAndByValue() {
		String gatewayKey = "gw-Zq9TOPSECRETgateway42";
		this.contextRunner.withPropertyValues("llm.fallback.openai-api.api-keys=" + gatewayKey + ",short")
			.run((context) -> {
				List<SanitizingFunction> functions = List
					.copyOf(context.getBeansOfType(SanitizingFunction.class).values());
				assertThat(sanitized(functions, "llm.fallback.openai-api.api-keys[1]", "short")).isEqualTo("******");
				assertThat(sanitized(functions, "apiKeys", "short")).isEqualTo("******");
				assertThat(sanitized(functions, "LLM_FALLBACK_OPENAIAPI_APIKEYS_1", "short")).isEqualTo("******");
				assertThat(sanitized(functions, "GATEWAY_TOKEN", gatewayKey)).isEqualTo("******");
				assertThat(sanitized(functions, "sun.java.command", "app.jar --gateway=" + gatewayKey))
					.isEqualTo("app.jar --gateway=******");
			});
	}

	/**
	 * As the actuator's sanitizer does: the first function that changes the value
	 * decides.
	 */
	private static Object sanitized(List<SanitizingFunction> functions, String key, String value) {
		SanitizableData data = new SanitizableData(new MapPropertySource("test", Map.of(key, value)), key, value);
		for (SanitizingFunction function : functions) {
			Object sanitized = function.applyUnlessFiltered(data).getValue();
			if (!value.equals(sanitized)) {
				return sanitized;
			}
		}
		return value;
	}

}
