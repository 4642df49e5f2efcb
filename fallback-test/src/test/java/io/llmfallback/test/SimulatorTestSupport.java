package io.llmfallback.test;

import java.time.Duration;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three simulated providers for a test class, as the sample runs them: {@value #OPENAI}
 * answers in 20 ms with the whole echo, {@value #ANTHROPIC} in 200 ms with 60% of it,
 * {@value #GEMINI} in 100 ms with 80%. Started once for the class, reset before each
 * test, stopped after.
 */
abstract class SimulatorTestSupport {

	static final String OPENAI = "openai-sim";

	static final String ANTHROPIC = "anthropic-sim";

	static final String GEMINI = "gemini-sim";

	@RegisterExtension
	static final SimulatedProviderExtension simulators = new SimulatedProviderExtension()
		.provider(OPENAI, WireProtocol.OPENAI, new ModelProfile(Duration.ofMillis(20), 100))
		.provider(ANTHROPIC, WireProtocol.ANTHROPIC, new ModelProfile(Duration.ofMillis(200), 60))
		.provider(GEMINI, WireProtocol.GEMINI, new ModelProfile(Duration.ofMillis(100), 80));

	static SimulatedProvider simulator(String name) {
		return simulators.get(name);
	}

}
