package io.llmfallback.sample.simulator;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import reactor.netty.resources.LoopResources;

/**
 * The sample's simulated providers: {@value #OPENAI} speaking OpenAI chat completions, {@value #ANTHROPIC}
 * speaking Anthropic messages and {@value #GEMINI} speaking Gemini's generateContent, each on its own
 * loopback port. By default the second is slower and terser than the first ({@link #OPENAI_PROFILE},
 * {@link #ANTHROPIC_PROFILE}), as two real models are, so that a failover shows in the fallback-path latency
 * and the output-length delta; the third ({@link #GEMINI_PROFILE}) sits between them.
 */
public final class SimulatedProviders implements AutoCloseable {

	/** The simulated OpenAI provider's name. */
	public static final String OPENAI = "openai-sim";

	/** The simulated Anthropic provider's name. */
	public static final String ANTHROPIC = "anthropic-sim";

	/** The simulated Gemini provider's name. */
	public static final String GEMINI = "gemini-sim";

	/** {@value #OPENAI} by default: answers in 20 ms, echoing the whole prompt. */
	public static final ModelProfile OPENAI_PROFILE = new ModelProfile(Duration.ofMillis(20), 100);

	/** {@value #ANTHROPIC} by default: answers in 200 ms, echoing the first 60% of the prompt's words. */
	public static final ModelProfile ANTHROPIC_PROFILE = new ModelProfile(Duration.ofMillis(200), 60);

	/** {@value #GEMINI} by default: answers in 100 ms, echoing the first 80% of the prompt's words. */
	public static final ModelProfile GEMINI_PROFILE = new ModelProfile(Duration.ofMillis(100), 80);

	private final LoopResources loops;

	private final Map<String, ProviderSimulator> simulators = new LinkedHashMap<>();

	private SimulatedProviders(ModelProfile openAi, ModelProfile anthropic, ModelProfile gemini) {
		// Event loops of their own, as a real provider does not share threads with the app that calls it.
		this.loops = LoopResources.create("provider-simulator", 2, true);
		this.simulators.put(OPENAI, ProviderSimulator.openAi(OPENAI, openAi, this.loops));
		this.simulators.put(ANTHROPIC, ProviderSimulator.anthropic(ANTHROPIC, anthropic, this.loops));
		this.simulators.put(GEMINI, ProviderSimulator.gemini(GEMINI, gemini, this.loops));
	}

	/** Starts every simulator on a free loopback port, with the default profiles. */
	public static SimulatedProviders start() {
		return start(OPENAI_PROFILE, ANTHROPIC_PROFILE, GEMINI_PROFILE);
	}

	/** Starts every simulator on a free loopback port, with these profiles. */
	public static SimulatedProviders start(ModelProfile openAi, ModelProfile anthropic, ModelProfile gemini) {
		return new SimulatedProviders(openAi, anthropic, gemini);
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
