package io.llmfallback.sample.simulator;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulators live exactly as long as the context, and only when enabled. */
class SimulatedProvidersInitializerTests {

	@Test
	void simulatorsPublishTheirBaseUrlsAndStopWithTheContext() {
		GenericApplicationContext context = new GenericApplicationContext();
		new SimulatedProvidersInitializer().initialize(context);
		context.refresh();
		ProviderSimulator openAi = context.getBean(SimulatedProviders.class).find(SimulatedProviders.OPENAI).orElseThrow();
		assertThat(context.getEnvironment().getProperty("sample.simulator.openai-sim.base-url"))
			.isEqualTo(openAi.baseUrl().toString());
		ProviderSimulator gemini = context.getBean(SimulatedProviders.class)
			.find(SimulatedProviders.GEMINI)
			.orElseThrow();
		assertThat(gemini.protocol()).isEqualTo("gemini");
		assertThat(context.getEnvironment().getProperty("sample.simulator.gemini-sim.base-url"))
			.isEqualTo(gemini.baseUrl().toString());
		assertThat(acceptsConnections(openAi.port())).isTrue();
		context.close();
		assertThat(acceptsConnections(openAi.port())).isFalse();
	}

	@Test
	void latencyOfASimulatorCanBeSet() {
		GenericApplicationContext context = new GenericApplicationContext();
		TestPropertyValues.of("sample.simulator.anthropic-sim.latency=250ms", "sample.simulator.gemini-sim.latency=1s")
			.applyTo(context);
		new SimulatedProvidersInitializer().initialize(context);
		context.refresh();
		SimulatedProviders simulators = context.getBean(SimulatedProviders.class);
		assertThat(simulators.find(SimulatedProviders.ANTHROPIC).orElseThrow().profile())
			.isEqualTo(new ModelProfile(Duration.ofMillis(250), 60));
		assertThat(simulators.find(SimulatedProviders.GEMINI).orElseThrow().profile())
			.isEqualTo(new ModelProfile(Duration.ofSeconds(1), 80));
		assertThat(simulators.find(SimulatedProviders.OPENAI).orElseThrow().profile())
			.isEqualTo(SimulatedProviders.OPENAI_PROFILE);
		context.close();
	}

	@Test
	void nothingStartsWhenDisabled() {
		GenericApplicationContext context = new GenericApplicationContext();
		TestPropertyValues.of(SimulatedProvidersInitializer.ENABLED_PROPERTY + "=false").applyTo(context);
		new SimulatedProvidersInitializer().initialize(context);
		context.refresh();
		assertThat(context.getBeanNamesForType(SimulatedProviders.class)).isEmpty();
		assertThat(context.getEnvironment().containsProperty("sample.simulator.openai-sim.base-url")).isFalse();
		context.close();
	}

	private static boolean acceptsConnections(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
