package io.llmfallback.sample.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The simulators of a test class: started once for it, healed before each test, stopped after. */
abstract class SimulatorTestSupport {

	static SimulatedProviders simulators;

	@BeforeAll
	static void start() {
		simulators = SimulatedProviders.start();
	}

	@AfterAll
	static void stop() {
		simulators.close();
	}

	@BeforeEach
	void heal() {
		simulators.all().forEach(ProviderSimulator::heal);
	}

	static ProviderSimulator simulator(String name) {
		return simulators.find(name).orElseThrow();
	}

}
