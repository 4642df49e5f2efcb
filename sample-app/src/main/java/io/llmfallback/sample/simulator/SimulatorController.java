package io.llmfallback.sample.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

import io.llmfallback.test.FaultBody;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Fault injection: {@code GET /simulator} lists the simulated providers, {@code PUT
 * /simulator/{provider}/fault} breaks one (its answers, or its streams), {@code DELETE
 * /simulator/{provider}/fault} heals it. {@code {provider}} is the configured provider
 * name.
 */
@RestController
@RequestMapping("/simulator")
@ConditionalOnBooleanProperty(name = SimulatedProvidersInitializer.ENABLED_PROPERTY, matchIfMissing = true)
final class SimulatorController {

	private final SimulatedProviders simulators;

	SimulatorController(SimulatedProviders simulators) {
		this.simulators = simulators;
	}

	@GetMapping
	Map<String, SimulatorView> list() {
		Map<String, SimulatorView> views = new LinkedHashMap<>();
		this.simulators.all().forEach((simulator) -> views.put(simulator.name(), SimulatorView.of(simulator)));
		return views;
	}

	@PutMapping("/{provider}/fault")
	SimulatorView inject(@PathVariable String provider, @RequestBody FaultBody body) {
		SimulatedProvider simulator = simulator(provider);
		if (body.isEmpty()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Give a fault: {\"status\":503}, {\"latencyMs\":3000} or {\"hang\":true}, "
							+ "with a \"rate\" such as 0.25 for a partial outage; for a stream, one of "
							+ "cutAfterChunks, stallAfterChunks, errorAfterChunks, malformedAfterChunks, "
							+ "noTerminator, and firstChunkDelayMs");
		}
		try {
			simulator.inject(body.toFault());
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		return SimulatorView.of(simulator);
	}

	@DeleteMapping("/{provider}/fault")
	SimulatorView heal(@PathVariable String provider) {
		SimulatedProvider simulator = simulator(provider);
		simulator.heal();
		return SimulatorView.of(simulator);
	}

	private SimulatedProvider simulator(String provider) {
		try {
			return this.simulators.get(provider);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, ex.getMessage());
		}
	}

}
