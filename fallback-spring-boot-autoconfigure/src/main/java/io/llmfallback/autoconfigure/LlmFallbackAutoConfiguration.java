package io.llmfallback.autoconfigure;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;

import io.llmfallback.autoconfigure.internal.LlmFallbackSettings;
import io.llmfallback.chain.ChainAttemptObservationConvention;
import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainRequestObservationConvention;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.chain.internal.BreakerTransitionListener;
import io.llmfallback.chain.internal.ChainExtensions;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.GuardSettings;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.observe.internal.FallbackSignals;
import io.llmfallback.provider.internal.BeanProviderFactory;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.RequestAdaptation;
import io.llmfallback.provider.internal.ResponseBudget;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JdkClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Providers, their circuit breakers, the chains over them and the chains' signals, from
 * {@code llm.fallback.*}. Providers' WebClients come from the auto-configured
 * {@link WebClient.Builder}, so that observation and trace propagation apply to every
 * provider call. Breaker and signal windows read the application's {@link Clock} bean
 * when it has one, the system clock otherwise.
 */
@AutoConfiguration(after = WebClientAutoConfiguration.class)
@ConditionalOnClass({ WebClient.class, ReactiveResilience4JCircuitBreakerFactory.class })
@ConditionalOnBooleanProperty(name = "llm.fallback.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmFallbackProperties.class)
public final class LlmFallbackAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LlmFallbackAutoConfiguration.class);

	@Bean
	LlmFallbackSettings llmFallbackSettings(LlmFallbackProperties properties, ResourceLoader resourceLoader,
			Environment environment) {
		return LlmFallbackSettings.of(properties, resourceLoader, environment);
	}

	/**
	 * The providers' WebClient keeps the auto-configured builder's filters, codecs and
	 * observation, but gets a connector of its own, made from the application's connector
	 * builder and HTTP client settings with redirects off whatever
	 * {@code spring.http.clients.redirects} says: a followed redirect would re-send the
	 * API key and the prompt to wherever a provider (or whoever answers in its name)
	 * points. On Reactor Netty the connector has a connection pool of its own
	 * ({@link ProviderConnectionPool}), closed with the context.
	 */
	@Bean
	@ConditionalOnMissingBean
	LlmProviders llmProviders(LlmFallbackSettings settings, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<BeanProviderFactory> beanProviders,
			ResourceLoader resourceLoader) {
		ClientHttpConnectorBuilder<?> applications = connectorBuilder
			.getIfAvailable(() -> ClientHttpConnectorBuilder.detect(resourceLoader.getClassLoader()));
		ProviderConnectionPool pool = null;
		if (applications instanceof ReactorClientHttpConnectorBuilder reactor && !settings.guards().isEmpty()) {
			pool = new ProviderConnectionPool((int) Math.min(Integer.MAX_VALUE,
					settings.guards().values().stream().mapToLong(GuardSettings::maxConcurrency).sum()));
			applications = pool.applyTo(reactor);
		}
		ClientHttpConnector connector = withoutRedirects(applications)
			.build(httpClientSettings.getIfAvailable(HttpClientSettings::defaults)
				.withRedirects(HttpRedirects.DONT_FOLLOW));
		WebClient.Builder builder = webClientBuilder.getIfAvailable(WebClient::builder)
			.clone()
			.clientConnector(connector);
		ResponseBudget responseBudget = settings.responseBudget();
		return new LlmProviders(settings.providers().values().stream().map((provider) -> {
			RequestAdaptation adaptation = settings.adaptations().getOrDefault(provider.name(), RequestAdaptation.NONE);
			String bean = settings.providerBeans().get(provider.name());
			if (bean == null) {
				return LlmProviders.create(provider, adaptation, builder, responseBudget);
			}
			BeanProviderFactory factory = beanProviders.getIfAvailable();
			if (factory == null) {
				throw new IllegalStateException("Provider '" + provider.name()
						+ "' is of type spring-ai, but Spring AI's model API (spring-ai-model) is not on the class path");
			}
			return LlmProviders.adapted(factory.create(provider, bean), adaptation);
		}).toList(), (pool != null) ? pool : () -> {
		});
	}

	/**
	 * Every connector builder applies the application's HTTP client customizers after the
	 * settings, so one of them could turn redirects back on: this customizer comes last.
	 * For Reactor Netty and the JDK client only, the two connectors whose customizer the
	 * tests can prove; with any other connector (Jetty, HttpComponents, one of the
	 * application's own kind) provider calls go through the JDK client, which every Java
	 * runtime has, rather than through a connector whose redirects nothing here can vouch
	 * for.
	 */
	private static ClientHttpConnectorBuilder<?> withoutRedirects(ClientHttpConnectorBuilder<?> builder) {
		if (builder instanceof ReactorClientHttpConnectorBuilder reactor) {
			return reactor.withHttpClientCustomizer((client) -> client.followRedirect(false));
		}
		JdkClientHttpConnectorBuilder jdk;
		if (builder instanceof JdkClientHttpConnectorBuilder applications) {
			jdk = applications;
		}
		else {
			// Said once, at start-up: the application's customizers of that connector (a
			// proxy, TLS) do not reach provider calls, which may explain a provider that
			// cannot be reached.
			logger.warn("LLM provider calls use the JDK HTTP client instead of the application's "
					+ builder.getClass().getSimpleName() + ", whose redirects the starter cannot switch off; "
					+ "its HTTP client customizers do not apply to provider calls");
			jdk = ClientHttpConnectorBuilder.jdk();
		}
		return jdk.withHttpClientCustomizer((client) -> client.followRedirects(HttpClient.Redirect.NEVER));
	}

	/**
	 * Transitions are published as
	 * {@link io.llmfallback.chain.internal.BreakerTransition} application events and
	 * handed to every {@link BreakerTransitionListener} bean (signals, meters).
	 */
	@Bean
	@ConditionalOnMissingBean
	ProviderCircuitBreakers llmFallbackCircuitBreakers(LlmFallbackSettings settings,
			ApplicationEventPublisher eventPublisher, ObjectProvider<BreakerTransitionListener> listeners,
			ObjectProvider<Clock> clock) {
		return new ProviderCircuitBreakers(settings.breakers(), clock.getIfUnique(Clock::systemUTC), (transition) -> {
			listeners.orderedStream().forEach((listener) -> listener.onTransition(transition));
			eventPublisher.publishEvent(transition);
		});
	}

	/** Shared, like the breakers, by every chain that calls a provider. */
	@Bean
	@ConditionalOnMissingBean
	ProviderGuards llmFallbackProviderGuards(LlmFallbackSettings settings, ProviderCircuitBreakers breakers) {
		return new ProviderGuards(settings.guards(), breakers);
	}

	@Bean
	@ConditionalOnMissingBean
	ChainStatistics llmFallbackChainStatistics() {
		return new ChainStatistics();
	}

	/**
	 * Alert transitions are published as {@link io.llmfallback.observe.AlertTransition}
	 * application events.
	 */
	@Bean
	@ConditionalOnMissingBean
	FallbackSignals llmFallbackSignals(LlmFallbackSettings settings, ApplicationEventPublisher eventPublisher,
			ObjectProvider<Clock> clock) {
		return new FallbackSignals(settings.chains().stream().map(ChainSettings::name).toList(),
				settings.providers().keySet(), settings.alerts(), clock.getIfUnique(Clock::systemUTC),
				eventPublisher::publishEvent);
	}

	/** Also a chain listener: it counts what every request spent. */
	@Bean
	@ConditionalOnMissingBean
	SpendGuard llmFallbackSpendGuard(LlmFallbackSettings settings, ObjectProvider<Clock> clock) {
		return settings.spendGuard(clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	AlertEvaluation llmFallbackAlertEvaluation(FallbackSignals signals, LlmFallbackProperties properties) {
		return new AlertEvaluation(signals, properties.getAlerts().getEvaluationInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackChains fallbackChains(LlmFallbackSettings settings, LlmFallbackProperties properties,
			LlmProviders providers, ProviderCircuitBreakers breakers, ProviderGuards guards,
			ObjectProvider<ChainListener> listeners, ObjectProvider<ChainMiddleware> middleware,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ChainRequestObservationConvention> requestConvention,
			ObjectProvider<ChainAttemptObservationConvention> attemptConvention, SpendGuard spendGuard) {
		ChainListener listener = new CompositeChainListener(listeners.orderedStream().toList());
		ChainExtensions extensions = new ChainExtensions(middleware.orderedStream().toList(),
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				properties.getObservability().isCaptureContent(), spendGuard, requestConvention.getIfAvailable(),
				attemptConvention.getIfAvailable());
		return new FallbackChains(
				settings.chains()
					.stream()
					.<FallbackChain>map((chain) -> new DefaultFallbackChain(chain,
							chain.providers().stream().map(providers::get).toList(), breakers, guards,
							settings.pricing(), listener, extensions))
					.toList());
	}

	@Bean
	@ConditionalOnMissingBean
	LlmClient llmClient(FallbackChains chains) {
		return new LlmClient(chains);
	}

	/** Tells every listener bean. */
	private record CompositeChainListener(List<ChainListener> listeners) implements ChainListener {

		@Override
		public void onOutcome(ChainOutcome outcome) {
			this.listeners.forEach((listener) -> listener.onOutcome(outcome));
		}

		@Override
		public void onCancelled(ChainOutcome cancelled) {
			this.listeners.forEach((listener) -> listener.onCancelled(cancelled));
		}

	}

}
