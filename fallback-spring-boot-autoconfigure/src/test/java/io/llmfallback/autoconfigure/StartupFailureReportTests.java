package io.llmfallback.autoconfigure;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when start-up fails on their configuration or annotations: Spring
 * Boot's failure-analysis report, written by the analyzers this starter registers, rather
 * than a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	private static final String[] PROVIDER = { "--llm.fallback.providers.gpt.type=openai",
			"--llm.fallback.providers.gpt.base-url=https://api.openai.com", "--llm.fallback.providers.gpt.model=gpt-4o",
			"--llm.fallback.providers.gpt.api-key=sk-report-key-1234567890",
			"--llm.fallback.chains.summarize.providers=gpt" };

	@Test
	void misspeltKeysAreReportedWithWhereTheyWereWrittenAndTheKeyMeant(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run(LlmFallbackApplication.class, "--spring.config.location=classpath:config/typos.yml"));
		assertThat(output).contains("APPLICATION FAILED TO START",
				"llm.fallback.providers.gpt.api-kee: unknown property (class path resource [config/typos.yml] - 8:18); "
						+ "did you mean 'api-key'?",
				"llm.fallback.chains.summarize.latency-budjet: unknown property "
						+ "(class path resource [config/typos.yml] - 12:25); did you mean 'latency-budget'?")
			.doesNotContain("sk-typo-key-0987654321")
			.doesNotContain("\tat io.llmfallback.autoconfigure.internal.LlmFallbackSettings");
	}

	@Test
	void misusedAnnotationsAreReportedNamingTheMethodAndTheProblem(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(MisusingApplication.class, PROVIDER));
		assertThat(output)
			.contains("APPLICATION FAILED TO START", "@LlmFallback is used where it cannot work:",
					"SummaryService.summarize: no chain named 'sumarize' under llm.fallback.chains",
					"SummaryService.brief names fallbackMethod 'degradd', but",
					"has no method degradd(String[, Throwable]) returning String", "Name a chain configured under")
			.doesNotContain("sk-report-key-1234567890")
			.doesNotContain("\tat io.llmfallback.aop.internal.LlmFallbackUsageValidator");
	}

	private static void run(Class<?> application, String... args) {
		SpringApplication spring = new SpringApplication(application);
		spring.setWebApplicationType(WebApplicationType.NONE);
		spring.run(args);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
			LlmFallbackAspectAutoConfiguration.class })
	static class LlmFallbackApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
			LlmFallbackAspectAutoConfiguration.class })
	static class MisusingApplication {

		@Bean
		SummaryService summaryService(LlmClient client) {
			return new SummaryService(client);
		}

	}

	static class SummaryService {

		private final LlmClient client;

		SummaryService(LlmClient client) {
			this.client = client;
		}

		@LlmFallback(chain = "sumarize")
		String summarize(String text) {
			return this.client.call(ChatRequest.ofUser(text)).text();
		}

		@LlmFallback(chain = "summarize", fallbackMethod = "degradd")
		String brief(String text) {
			return this.client.call(ChatRequest.ofUser(text)).text();
		}

		String degraded(String text) {
			return "";
		}

	}

}
