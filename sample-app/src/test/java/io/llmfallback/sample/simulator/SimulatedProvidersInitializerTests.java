package io.llmfallback.sample.simulator;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import io.llmfallback.test.ModelProfile;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.support.GenericApplicationContext;

import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.ANTHROPIC;
import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.GEMINI;
import static io.llmfallback.sample.simulator.SimulatedProvidersInitializer.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulators live exactly as long as the context, and only when enabled. */
class SimulatedProvidersInitializerTests {

	@Test
	void simulatorsPublishTheirBaseUrlsAndStopWithTheContext() {
		GenericApplicationContext context = new GenericApplicationContext();
		new SimulatedProvidersInitializer().initialize(context);
		context.refresh();
		SimulatedProvider openAi = context.getBean(SimulatedProviders.class).find(OPENAI).orElseThrow();
		assertThat(context.getEnvironment().getProperty("sample.simulator.openai-sim.base-url"))
			.isEqualTo(openAi.baseUrl().toString());
		SimulatedProvider gemini = context.getBean(SimulatedProviders.class).find(GEMINI).orElseThrow();
		assertThat(gemini.protocol()).isEqualTo(WireProtocol.GEMINI);
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
		assertThat(simulators.find(ANTHROPIC).orElseThrow().profile())
			.isEqualTo(new ModelProfile(Duration.ofMillis(250), 60));
		assertThat(simulators.find(GEMINI).orElseThrow().profile())
			.isEqualTo(new ModelProfile(Duration.ofSeconds(1), 80));
		assertThat(simulators.find(OPENAI).orElseThrow().profile())
			.isEqualTo(SimulatedProvidersInitializer.OPENAI_PROFILE);
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
