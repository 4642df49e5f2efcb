package io.llmfallback.sample;

import io.llmfallback.sample.simulator.SimulatedProvidersInitializer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the sample. Without configuration it first starts simulated providers on
 * loopback, so it runs with no API keys; the {@code real} profile calls OpenAI and
 * Anthropic instead.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addInitializers(new SimulatedProvidersInitializer());
		application.run(args);
	}

}
