package io.llmfallback.sample.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the simulated providers before the context binds {@code llm.fallback.*}, unless
 * {@value #ENABLED_PROPERTY} is {@code false}. Their random ports become the properties
 * {@code sample.simulator.NAME.base-url} that {@code application.yml} points the providers at, and the
 * simulators become a bean, closed with the context. {@code sample.simulator.NAME.latency} (e.g.
 * {@code 250ms}) changes how long a simulator takes to answer when healthy.
 */
public final class SimulatedProvidersInitializer implements ApplicationContextInitializer<GenericApplicationContext> {

	/** Whether to start the simulated providers; the {@code real} profile turns it off. */
	public static final String ENABLED_PROPERTY = "sample.simulator.enabled";

	private static final Log logger = LogFactory.getLog(SimulatedProvidersInitializer.class);

	@Override
	public void initialize(GenericApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, true)) {
			return;
		}
		SimulatedProviders simulators = SimulatedProviders.start(
				profile(environment, SimulatedProviders.OPENAI, SimulatedProviders.OPENAI_PROFILE),
				profile(environment, SimulatedProviders.ANTHROPIC, SimulatedProviders.ANTHROPIC_PROFILE),
				profile(environment, SimulatedProviders.GEMINI, SimulatedProviders.GEMINI_PROFILE));
		Map<String, Object> baseUrls = new LinkedHashMap<>();
		for (ProviderSimulator simulator : simulators.all()) {
			baseUrls.put("sample.simulator." + simulator.name() + ".base-url", simulator.baseUrl().toString());
			logger.info("Simulated provider '" + simulator.name() + "' (" + simulator.protocol() + ") listening on "
					+ simulator.baseUrl() + ", answering in " + simulator.profile().latency().toMillis() + " ms");
		}
		// Added last, so that a base-url given anywhere else still wins.
		environment.getPropertySources().addLast(new MapPropertySource("simulatedProviders", baseUrls));
		context.registerBean("simulatedProviders", SimulatedProviders.class, () -> simulators);
	}

	private static ModelProfile profile(ConfigurableEnvironment environment, String simulator, ModelProfile profile) {
		String property = "sample.simulator." + simulator + ".latency";
		String latency = environment.getProperty(property);
		if (latency == null || latency.isBlank()) {
			return profile;
		}
		try {
			return profile.withLatency(DurationStyle.detectAndParse(latency.strip()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + " must be a duration such as 250ms, was '" + latency + "'", ex);
		}
	}

}
