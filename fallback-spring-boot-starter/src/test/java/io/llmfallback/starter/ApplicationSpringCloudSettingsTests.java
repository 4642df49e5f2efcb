package io.llmfallback.starter;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Cloud features the starter keeps out come back when the application asks for
 * them.
 */
class ApplicationSpringCloudSettingsTests {

	@Test
	void aValueTheApplicationSetsWinsOverTheStartersDefault() {
		try (ConfigurableApplicationContext context = run("--spring.cloud.features.enabled=true",
				"--spring.cloud.discovery.enabled=true")) {
			assertThat(context.containsBean("featuresEndpoint")).isTrue();
			assertThat(context.containsBean("discoveryCompositeHealthContributor")).isTrue();
		}
	}

	@Test
	void withoutOneTheyStayOut() {
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.containsBean("featuresEndpoint")).isFalse();
			assertThat(context.containsBean("discoveryCompositeHealthContributor")).isFalse();
		}
	}

	private static ConfigurableApplicationContext run(String... arguments) {
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("management.endpoints.web.exposure.include=*")
			.run(arguments);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
