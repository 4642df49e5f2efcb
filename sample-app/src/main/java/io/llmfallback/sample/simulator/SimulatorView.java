package io.llmfallback.sample.simulator;

import io.llmfallback.test.Fault;
import io.llmfallback.test.FaultBody;
import io.llmfallback.test.SimulatedProvider;
import org.jspecify.annotations.Nullable;

/**
 * One simulated provider as {@code GET /simulator} shows it.
 *
 * @param protocol the wire protocol it speaks
 * @param port its loopback port
 * @param baseUrl what the provider's {@code base-url} is set to
 * @param latencyMs how long it takes to answer when healthy
 * @param echoPercent how much of the prompt its answers echo, in percent of its words
 * @param fault the injected fault, {@code null} when healthy
 */
record SimulatorView(String protocol, int port, String baseUrl, long latencyMs, int echoPercent,
		@Nullable FaultBody fault) {

	static SimulatorView of(SimulatedProvider simulator) {
		Fault fault = simulator.fault();
		return new SimulatorView(simulator.protocol().type(), simulator.port(), simulator.baseUrl().toString(),
				simulator.profile().latency().toMillis(), simulator.profile().echoPercent(),
				fault.isNone() ? null : FaultBody.of(fault));
	}

}
