package io.llmfallback.benchmarks.outage;

import java.util.List;
import java.util.Map;

import io.llmfallback.benchmarks.outage.Answer.Attempt;
import io.llmfallback.benchmarks.outage.Answer.Outcome;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import reactor.core.publisher.Mono;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Variants (b) to (d): the starter in an application context of its own, configured by
 * properties only, as an application would be; requests go through its
 * {@link FallbackChains} bean.
 */
final class StarterClient implements VariantClient {

	private final ConfigurableApplicationContext context;

	private final FallbackChain chain;

	StarterClient(Map<String, Object> properties) {
		this.context = new SpringApplicationBuilder(OutageApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
		this.chain = this.context.getBean(FallbackChains.class).chain(VariantSettings.CHAIN);
	}

	@Override
	public Mono<Answer> send(ChatRequest request) {
		return this.chain.chat(request, VariantSettings.CHAIN)
			.map((response) -> answer(response.isFallback() ? Outcome.FALLBACK : Outcome.PRIMARY, response.attempts()))
			.onErrorResume(ChainFailureException.class,
					(failure) -> Mono.just(answer(Outcome.FAILED, failure.getAttempts())));
	}

	private static Answer answer(Outcome outcome, List<AttemptRecord> records) {
		return new Answer(outcome,
				records.stream()
					.map((record) -> new Attempt(ProviderRole.ofProvider(record.provider()), record.called(),
							record.label(), record.duration().toNanos(), record.costUsd().doubleValue()))
					.toList());
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OutageApplication {

	}

}
