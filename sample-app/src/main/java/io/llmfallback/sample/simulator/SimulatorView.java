package io.llmfallback.sample.simulator;

import org.jspecify.annotations.Nullable;

/**
 * One simulated provider as {@code GET /simulator} shows it.
 *
 * @param protocol the wire protocol it speaks
 * @param port its loopback port
 * @param baseUrl what the provider's {@code base-url} is set to
 * @param fault the injected fault, {@code null} when healthy
 */
record SimulatorView(String protocol, int port, String baseUrl, @Nullable FaultBody fault) {

	static SimulatorView of(ProviderSimulator simulator) {
		Fault fault = simulator.fault();
		return new SimulatorView(simulator.protocol(), simulator.port(), simulator.baseUrl().toString(),
				fault.isNone() ? null : FaultBody.of(fault));
	}

}
