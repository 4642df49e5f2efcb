package io.llmfallback.sample.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the simulated providers before the context binds {@code llm.fallback.*}, unless
 * {@value #ENABLED_PROPERTY} is {@code false}. Their random ports become the properties
 * {@code sample.simulator.NAME.base-url} that {@code application.yml} points the providers at, and the
 * simulators become a bean, closed with the context.
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
		SimulatedProviders simulators = SimulatedProviders.start();
		Map<String, Object> baseUrls = new LinkedHashMap<>();
		for (ProviderSimulator simulator : simulators.all()) {
			baseUrls.put("sample.simulator." + simulator.name() + ".base-url", simulator.baseUrl().toString());
			logger.info("Simulated provider '" + simulator.name() + "' (" + simulator.protocol() + ") listening on "
					+ simulator.baseUrl());
		}
		// Added last, so that a base-url given anywhere else still wins.
		environment.getPropertySources().addLast(new MapPropertySource("simulatedProviders", baseUrls));
		context.registerBean("simulatedProviders", SimulatedProviders.class, () -> simulators);
	}

}
