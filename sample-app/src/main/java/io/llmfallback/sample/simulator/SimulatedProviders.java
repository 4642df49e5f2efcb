package io.llmfallback.sample.simulator;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import reactor.netty.resources.LoopResources;

/**
 * The sample's simulated providers: {@value #OPENAI} speaking OpenAI chat completions and
 * {@value #ANTHROPIC} speaking Anthropic messages, each on its own loopback port.
 */
public final class SimulatedProviders implements AutoCloseable {

	/** The simulated OpenAI provider's name. */
	public static final String OPENAI = "openai-sim";

	/** The simulated Anthropic provider's name. */
	public static final String ANTHROPIC = "anthropic-sim";

	private final LoopResources loops;

	private final Map<String, ProviderSimulator> simulators = new LinkedHashMap<>();

	private SimulatedProviders() {
		// Event loops of their own, as a real provider does not share threads with the app that calls it.
		this.loops = LoopResources.create("provider-simulator", 2, true);
		this.simulators.put(OPENAI, ProviderSimulator.openAi(OPENAI, this.loops));
		this.simulators.put(ANTHROPIC, ProviderSimulator.anthropic(ANTHROPIC, this.loops));
	}

	/** Starts every simulator on a free loopback port. */
	public static SimulatedProviders start() {
		return new SimulatedProviders();
	}

	public Collection<ProviderSimulator> all() {
		return this.simulators.values();
	}

	/** The simulator standing in for the provider of that name, if any. */
	public Optional<ProviderSimulator> find(String provider) {
		return Optional.ofNullable(this.simulators.get(provider));
	}

	/** Stops every simulator, cutting off requests still in flight. */
	@Override
	public void close() {
		this.simulators.values().forEach(ProviderSimulator::close);
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
	}

}
