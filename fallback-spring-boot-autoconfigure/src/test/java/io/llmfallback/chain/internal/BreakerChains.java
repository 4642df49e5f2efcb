package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.observe.internal.ChainMeters;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.MutableClock;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.test.WireProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Chains over two OpenAI-format providers simulated by the test kit, {@code p0} (the
 * primary) and {@code p1}, with breakers on a clock the test moves, whose transitions are
 * kept and counted in the meters the chain records into, as an application's would be.
 */
final class BreakerChains implements AutoCloseable {

	private final SimulatedProviders providers = SimulatedProviders.builder()
		.provider("p0", WireProtocol.OPENAI)
		.provider("p1", WireProtocol.OPENAI)
		.start();

	final SimulatedProvider primary = this.providers.get("p0");

	final SimulatedProvider fallback = this.providers.get("p1");

	final MutableClock clock = new MutableClock();

	final List<BreakerTransition> transitions = new ArrayList<>();

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	/** What the primary's model takes, in the chains made from now on. */
	ProviderCapabilities primaryCapabilities = ProviderSettings.capabilitiesOf("gpt-4o");

	/** The breakers of the last chain made. */
	ProviderCircuitBreakers breakers;

	/**
	 * A chain of the providers its settings name, {@code p0} with the given breaker
	 * settings and the others with the defaults.
	 */
	FallbackChain chain(ChainSettings settings, BreakerSettings primaryBreaker, ObservationRegistry observations) {
		List<LlmProvider> providers = new ArrayList<>();
		Map<String, BreakerSettings> breakerSettings = new LinkedHashMap<>();
		for (String name : settings.providers()) {
			SimulatedProvider server = name.equals("p0") ? this.primary : this.fallback;
			providers.add(
					LlmProviders.create(
							new ProviderSettings(name, ProviderType.OPENAI, server.baseUrl(), "sk-test", "gpt-4o",
									Duration.ofSeconds(2), 4096, Map.of(), ProviderSettings.DEFAULT_MAX_RESPONSE_BYTES,
									ProviderSettings.DEFAULT_MAX_INPUT_TOKENS, name.equals("p0")
											? this.primaryCapabilities : ProviderSettings.capabilitiesOf("gpt-4o")),
							WebClient.builder()));
			breakerSettings.put(name, name.equals("p0") ? primaryBreaker : BreakerSettings.DEFAULTS);
		}
		ChainMeters meters = new ChainMeters(this.registry, new LlmProviders(providers));
		this.breakers = new ProviderCircuitBreakers(breakerSettings, this.clock, (transition) -> {
			this.transitions.add(transition);
			meters.onTransition(transition);
		});
		return new DefaultFallbackChain(settings, providers, this.breakers, Map.of(), meters,
				new ChainExtensions(List.of(), observations, false));
	}

	/** {@code from->to} of every transition of the provider's breaker. */
	List<String> transitionsOf(String provider) {
		return this.transitions.stream()
			.filter((transition) -> transition.provider().equals(provider))
			.map((transition) -> transition.from() + "->" + transition.to())
			.toList();
	}

	/**
	 * What {@code llm.fallback.breaker.transitions} counted for the provider's breaker.
	 */
	double transitionCount(String provider, String from, String to) {
		return this.registry.get("llm.fallback.breaker.transitions")
			.tags("provider", provider, "from", from, "to", to)
			.counter()
			.count();
	}

	@Override
	public void close() {
		this.providers.close();
	}

}
