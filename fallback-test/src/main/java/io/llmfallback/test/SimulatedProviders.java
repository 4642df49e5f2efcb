package io.llmfallback.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import reactor.netty.resources.LoopResources;

/**
 * Simulated providers started together, each on its own loopback port, on event loops
 * they share and no one else uses, as a real provider does not share threads with the app
 * that calls it.
 *
 * <pre>{@code
 * try (SimulatedProviders providers = SimulatedProviders.builder()
 *         .provider("gpt", WireProtocol.OPENAI)
 *         .provider("claude", WireProtocol.ANTHROPIC, new ModelProfile(Duration.ofMillis(200), 60))
 *         .start()) {
 *     providers.get("gpt").inject(Fault.ofStatus(503));
 * }
 * }</pre>
 */
public final class SimulatedProviders implements AutoCloseable {

	/** The prefix of a provider's properties in the starter's configuration. */
	static final String PROVIDERS_PREFIX = "llm.fallback.providers.";

	private final LoopResources loops;

	private final Map<String, SimulatedProvider> providers;

	private SimulatedProviders(Map<String, Spec> specs) {
		this.loops = newLoops();
		Map<String, SimulatedProvider> providers = new LinkedHashMap<>();
		try {
			specs.forEach((name, spec) -> providers.put(name,
					new SimulatedProvider(name, spec.protocol(), spec.profile(), this.loops, false)));
		}
		catch (RuntimeException ex) {
			// A port that cannot be bound leaves none of the others listening.
			providers.values().forEach(SimulatedProvider::close);
			dispose(this.loops);
			throw ex;
		}
		this.providers = Collections.unmodifiableMap(providers);
	}

	/** A builder of simulated providers, started together by {@link Builder#start()}. */
	public static Builder builder() {
		return new Builder();
	}

	/** Every provider, in the order they were added. */
	public Collection<SimulatedProvider> all() {
		return this.providers.values();
	}

	/** The provider standing in for the provider of that name, if any. */
	public Optional<SimulatedProvider> find(String name) {
		return Optional.ofNullable(this.providers.get(name));
	}

	/**
	 * The provider of that name.
	 * @throws IllegalArgumentException when there is none, naming those there are
	 */
	public SimulatedProvider get(String name) {
		return find(name).orElseThrow(() -> new IllegalArgumentException(
				"No simulated provider named '" + name + "'; simulated providers: " + this.providers.keySet()));
	}

	/** Makes every provider as it started: healthy, echoing, no request counted. */
	public void resetAll() {
		all().forEach(SimulatedProvider::reset);
	}

	/**
	 * Each provider's URL as the starter's
	 * {@code llm.fallback.providers.<name>.base-url}, to point the configured providers
	 * of the same names at the simulated ones.
	 */
	public Map<String, String> baseUrlProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		all().forEach((provider) -> properties.put(baseUrlProperty(provider.name()), provider.baseUrl().toString()));
		return properties;
	}

	static String baseUrlProperty(String name) {
		return PROVIDERS_PREFIX + name + ".base-url";
	}

	/** Stops every provider, cutting off requests still in flight. */
	@Override
	public void close() {
		all().forEach(SimulatedProvider::close);
		dispose(this.loops);
	}

	static LoopResources newLoops() {
		return LoopResources.create("simulated-provider", 2, true);
	}

	static void dispose(LoopResources loops) {
		loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
	}

	/** The providers to start: names, protocols and profiles. */
	public static final class Builder {

		private final Map<String, Spec> specs = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Adds a provider answering at once with the whole echo
		 * ({@link ModelProfile#INSTANT}).
		 */
		public Builder provider(String name, WireProtocol protocol) {
			return provider(name, protocol, ModelProfile.INSTANT);
		}

		/**
		 * Adds a provider.
		 * @param name the name of the configured provider it stands in for, the first
		 * word of its echoes
		 * @throws IllegalArgumentException when a provider of that name was already added
		 */
		public Builder provider(String name, WireProtocol protocol, ModelProfile profile) {
			Objects.requireNonNull(name, "name");
			Spec spec = new Spec(Objects.requireNonNull(protocol, "protocol"),
					Objects.requireNonNull(profile, "profile"));
			if (this.specs.putIfAbsent(name, spec) != null) {
				throw new IllegalArgumentException("A simulated provider named '" + name + "' was already added");
			}
			return this;
		}

		/** The names added so far, in order. */
		List<String> names() {
			return new ArrayList<>(this.specs.keySet());
		}

		/** Starts every provider added, each on a free loopback port. */
		public SimulatedProviders start() {
			if (this.specs.isEmpty()) {
				throw new IllegalStateException("Add at least one simulated provider before starting them");
			}
			return new SimulatedProviders(this.specs);
		}

	}

	private record Spec(WireProtocol protocol, ModelProfile profile) {
	}

}
