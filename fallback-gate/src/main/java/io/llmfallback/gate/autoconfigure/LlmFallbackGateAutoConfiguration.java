package io.llmfallback.gate.autoconfigure;

import java.time.Clock;

import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.gate.autoconfigure.LlmFallbackGateProperties.OnStartup;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.gate.internal.GateValidations;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.review.internal.TrafficReview;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The compatibility gate of each chain: run on demand (endpoint, code), at start-up
 * ({@code llm.fallback.gate.on-startup}) or as a command-line run
 * ({@code llm.fallback.gate.chain}), with every run's outcome kept as the chain's
 * validation; and its live counterpart, the periodic review of each chain's traffic,
 * judged with the same tolerances. The runtime's endpoint and health read the outcomes
 * through {@link io.llmfallback.validation.internal.FallbackValidations}, which
 * {@link ChainGates} implements.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnBean(LlmFallbackSettings.class)
@EnableConfigurationProperties({ LlmFallbackGateProperties.class, LlmFallbackReviewProperties.class })
public final class LlmFallbackGateAutoConfiguration {

	private static final String CHAIN = "llm.fallback.gate.chain";

	private static final String CORPUS = "llm.fallback.gate.corpus";

	private static final String ON_STARTUP = "llm.fallback.gate.on-startup";

	@Bean
	GateSettings llmFallbackGateSettings(LlmFallbackGateProperties properties, LlmFallbackReviewProperties review,
			LlmFallbackSettings settings, ResourceLoader resourceLoader, Environment environment) {
		return GateSettings.of(properties, review, settings, resourceLoader, environment);
	}

	/**
	 * The periodic review, judged with the gate's tolerances. Also a chain listener: it
	 * keeps the window of every chain's traffic that the review is computed over.
	 */
	@Bean
	@ConditionalOnMissingBean
	TrafficReview llmFallbackTrafficReview(LlmFallbackSettings settings, GateSettings gate, LlmProviders providers,
			ObjectProvider<Clock> clock) {
		return new TrafficReview(settings.chains(), providers.all(), settings.breakers(), settings.knownPrices(),
				gate.review(), clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	GateValidations llmFallbackGateValidations() {
		return new GateValidations();
	}

	@Bean
	@ConditionalOnMissingBean
	ChainGates llmFallbackChainGates(FallbackChains chains, LlmFallbackSettings settings, GateSettings gate,
			GateValidations validations, ObjectProvider<Clock> clock) {
		return new ChainGates(chains, settings.knownPrices(), gate.corpora(), gate.tolerances(), validations,
				clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	@Conditional(OnCommandLineRun.class)
	GateCommandLineRunner llmFallbackGateCommandLineRunner(GateSettings gate, ChainGates gates,
			ConfigurableApplicationContext context) {
		return new GateCommandLineRunner(gates, gate.commandLineChain(), gate.commandLineProblems(),
				gate.reportDirectory(), gate.exitWhenDone(), context);
	}

	@Bean
	@Conditional(OnStartupRun.class)
	StartupGate llmFallbackStartupGate(GateSettings gate, ChainGates gates) {
		return new StartupGate(gates, gate.onStartup());
	}

	/**
	 * A command-line run: {@code llm.fallback.gate.chain} or
	 * {@code llm.fallback.gate.corpus} is set.
	 */
	static final class OnCommandLineRun extends AnyNestedCondition {

		OnCommandLineRun() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = CHAIN)
		static final class ChainSet {

		}

		@ConditionalOnProperty(name = CORPUS)
		static final class CorpusSet {

		}

	}

	/**
	 * A start-up run: {@code llm.fallback.gate.on-startup} is not {@code off}, and this
	 * is no command-line run, which is the whole job of its process.
	 */
	static final class OnStartupRun extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("LLM fallback start-up gate");
			OnStartup mode = Binder.get(context.getEnvironment())
				.bind(ON_STARTUP, OnStartup.class)
				.orElse(OnStartup.OFF);
			if (mode == OnStartup.OFF) {
				return ConditionOutcome.noMatch(message.because(ON_STARTUP + " is off"));
			}
			if (context.getEnvironment().containsProperty(CHAIN) || context.getEnvironment().containsProperty(CORPUS)) {
				return ConditionOutcome.noMatch(message.because("a command-line gate run replaces it"));
			}
			return ConditionOutcome.match(message.because(ON_STARTUP + " is " + mode));
		}

	}

}
