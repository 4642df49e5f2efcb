package io.llmfallback.ops;

import java.time.Duration;

import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackMetricsAutoConfiguration;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.support.Scrape;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's histogram buckets and a user's {@code management.metrics.distribution.*}:
 * the user's settings for the starter's meters apply over the starter's buckets, and
 * those for other meters are left as they are.
 */
class MeterDistributionSettingsTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension().provider("gpt",
			WireProtocol.OPENAI);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, MetricsAutoConfiguration.class,
				PrometheusMetricsExportAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
				LlmFallbackMetricsAutoConfiguration.class))
		.withPropertyValues("llm.fallback.providers.gpt.base-url=" + providers.get("gpt").baseUrl(),
				"llm.fallback.providers.gpt.type=openai", "llm.fallback.providers.gpt.model=gpt-4o",
				"llm.fallback.chains.summarize.providers=gpt");

	@Test
	void aUsersSloForOurMeterReplacesOurBucketsAndTheirSettingsForOtherMetersStandAlone() {
		this.contextRunner
			.withPropertyValues("management.metrics.distribution.slo.llm.fallback.request.duration=100ms,1s,10s",
					"management.metrics.distribution.slo.user.latency=5ms,50ms")
			.run((context) -> {
				PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
				Timer.builder("user.latency").register(registry).record(Duration.ofMillis(20));
				context.getBean(FallbackChains.class).chain("summarize").chat(ChatRequest.ofUser("hi"), "op").block();

				Scrape scrape = Scrape.parse(registry.scrape());

				OperationsMetricsIntegrationTests.assertBuckets(scrape, "llm_fallback_request_duration_seconds_bucket",
						0.1, 1, 10);
				OperationsMetricsIntegrationTests.assertBuckets(scrape,
						"gen_ai_client_operation_duration_seconds_bucket",
						OperationsMetricsIntegrationTests.OPERATION_DURATION_BUCKETS);
				OperationsMetricsIntegrationTests.assertBuckets(scrape, "user_latency_seconds_bucket", 0.005, 0.05);
			});
	}

	@Test
	void percentilesHistogramForAllMetersAddsMicrometersBucketsToOursToo() {
		this.contextRunner.withPropertyValues("management.metrics.distribution.percentiles-histogram.all=true")
			.run((context) -> {
				PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
				context.getBean(FallbackChains.class).chain("summarize").chat(ChatRequest.ofUser("hi"), "op").block();

				Scrape scrape = Scrape.parse(registry.scrape());

				assertThat(scrape.samples("llm_fallback_request_duration_seconds_bucket")).hasSizeGreaterThan(60)
					.extracting((sample) -> sample.labels().get("le"))
					.contains("0.75", "7.5", "300.0");
			});
	}

}
