package io.llmfallback.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.support.SimpleThreadScope;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible endpoint's conditions (opt-in, reactive web applications only,
 * chains needed), the binding of its properties, the start-up checks of their values, and
 * the warning of an open endpoint.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmFallbackOpenAiApiAutoConfigurationTests {

	private static final String ROUTES = "llmFallbackOpenAiApiRoutes";

	private static final String OPEN_WARNING = "The OpenAI-compatible endpoint at /v1 is open to whoever can reach it";

	private static final String[] CHAIN = { "llm.fallback.providers.gpt.type=openai",
			"llm.fallback.providers.gpt.base-url=https://api.openai.com", "llm.fallback.providers.gpt.model=gpt-4o",
			"llm.fallback.providers.gpt.api-key=sk-test-key-1234567890",
			"llm.fallback.chains.summarize.providers=gpt" };

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(WebClientAutoConfiguration.class,
			LlmFallbackAutoConfiguration.class, LlmFallbackOpenAiApiAutoConfiguration.class);

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withPropertyValues(CHAIN);

	@Test
	void offByDefault(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ROUTES);
			assertThat(output).doesNotContain(OPEN_WARNING);
		});
	}

	@Test
	void enabledServesTheChainsUnderV1AndWarnsOnceThatItIsOpen(CapturedOutput output) {
		this.contextRunner.withPropertyValues("llm.fallback.openai-api.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().hasBean(ROUTES);
			client(context).get()
				.uri("/v1/models")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.data[0].id")
				.isEqualTo("summarize");
			assertThat(output.toString().split(OPEN_WARNING, -1)).hasSize(2);
		});
	}

	@Test
	void bindsItsPropertiesAndSaysNothingOfKeys(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("llm.fallback.openai-api.enabled=true", "llm.fallback.openai-api.base-path=/openai/v1",
					"llm.fallback.openai-api.api-keys=gw-key-one-12345678,gw-key-two-12345678",
					"llm.fallback.openai-api.max-request-size=16KB")
			.run((context) -> {
				LlmFallbackOpenAiApiProperties properties = context.getBean(LlmFallbackOpenAiApiProperties.class);
				assertThat(properties.getBasePath()).isEqualTo("/openai/v1");
				assertThat(properties.getApiKeys()).containsExactly("gw-key-one-12345678", "gw-key-two-12345678");
				assertThat(properties.getMaxRequestSize().toKilobytes()).isEqualTo(16);
				WebTestClient client = client(context);
				client.get().uri("/v1/models").exchange().expectStatus().isNotFound();
				client.get()
					.uri("/openai/v1/models")
					.header("Authorization", "Bearer gw-key-two-12345678")
					.exchange()
					.expectStatus()
					.isOk();
				client.get()
					.uri("/openai/v1/models")
					.header("Authorization", "Bearer gw-key-one-1234567")
					.exchange()
					.expectStatus()
					.isUnauthorized();
				assertThat(output).doesNotContain("is open to whoever").doesNotContain("gw-key-");
			});
	}

	@Test
	void notInAServletApplication() {
		// A servlet web application as Boot's condition tells one, by its session scope:
		// the test class path has no servlet API for a real servlet context.
		new ApplicationContextRunner()
			.withInitializer((context) -> context.getBeanFactory().registerScope("session", new SimpleThreadScope()))
			.withConfiguration(CONFIGURATIONS)
			.withPropertyValues(CHAIN)
			.withPropertyValues("llm.fallback.openai-api.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ROUTES));
	}

	@Test
	void notInAnApplicationThatIsNoWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(CHAIN)
			.withPropertyValues("llm.fallback.openai-api.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ROUTES));
	}

	@Test
	void notWithoutChains() {
		this.contextRunner.withPropertyValues("llm.fallback.openai-api.enabled=true", "llm.fallback.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ROUTES));
	}

	@Test
	void invalidValuesFailStartUpNamingEachProperty() {
		this.contextRunner
			.withPropertyValues("llm.fallback.openai-api.enabled=true", "llm.fallback.openai-api.base-path=v1/{x}",
					"llm.fallback.openai-api.api-keys[0]=gw-key-one-12345678", "llm.fallback.openai-api.api-keys[1]= ",
					"llm.fallback.openai-api.max-request-size=0B")
			.run((context) -> assertThat(analysis(context).getDescription()).contains(
					"llm.fallback.openai-api.base-path: must be a path such as /v1 (segments of letters, digits, '.', '_' "
							+ "and '-'), was 'v1/{x}'",
					"llm.fallback.openai-api.api-keys[1]: must not be blank",
					"llm.fallback.openai-api.max-request-size: must be more than 0B and less than 2GB, was 0B")
				.doesNotContain("gw-key-one"));
	}

	@Test
	void aMisspeltKeyFailsStartUpNamingIt() {
		this.contextRunner.withPropertyValues("llm.fallback.openai-api.base-pat=/v2")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("llm.fallback.openai-api.base-pat: unknown property (\"llm.fallback.openai-api.base-pat\" "
						+ "from property source \"test\"); did you mean 'base-path'?"));
	}

	private static WebTestClient client(AssertableReactiveWebApplicationContext context) {
		@SuppressWarnings("unchecked")
		RouterFunction<ServerResponse> routes = context.getBean(ROUTES, RouterFunction.class);
		return WebTestClient.bindToRouterFunction(routes).build();
	}

	private static FailureAnalysis analysis(AssertableReactiveWebApplicationContext context) {
		assertThat(context).hasFailed();
		return new LlmFallbackConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
	}

}
