package io.llmfallback.sample.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.llmfallback.test.ModelProfile;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.test.WireProtocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertyResolver;

/**
 * Starts the sample's simulated providers before the context binds
 * {@code llm.fallback.*}, unless {@value #ENABLED_PROPERTY} is {@code false}:
 * {@value #OPENAI} speaking OpenAI chat completions, {@value #ANTHROPIC} Anthropic
 * messages and {@value #GEMINI} Gemini's generateContent. By default the second is slower
 * and terser than the first, as two real models are, so that a failover shows in the
 * fallback-path latency and the output-length delta; the third sits between them. Their
 * random ports become the properties {@code sample.simulator.NAME.base-url} that
 * {@code application.yml} points the providers at, and the simulators become a bean,
 * closed with the context. {@code sample.simulator.NAME.latency} (e.g. {@code 250ms})
 * changes how long a simulator takes to answer when healthy. Offered tools, each
 * simulator calls {@value #TOOL} with {@value #TOOL_ARGUMENTS}, then answers the tool's
 * result in text.
 */
public final class SimulatedProvidersInitializer implements ApplicationContextInitializer<GenericApplicationContext> {

	/**
	 * Whether to start the simulated providers; the {@code real} profile turns it off.
	 */
	public static final String ENABLED_PROPERTY = "sample.simulator.enabled";

	/** The simulated OpenAI provider's name. */
	public static final String OPENAI = "openai-sim";

	/** The simulated Anthropic provider's name. */
	public static final String ANTHROPIC = "anthropic-sim";

	/** The simulated Gemini provider's name. */
	public static final String GEMINI = "gemini-sim";

	/** {@value #OPENAI} by default: answers in 20 ms, echoing the whole prompt. */
	public static final ModelProfile OPENAI_PROFILE = new ModelProfile(Duration.ofMillis(20), 100);

	/**
	 * {@value #ANTHROPIC} by default: answers in 200 ms, echoing the first 60% of the
	 * prompt's words.
	 */
	public static final ModelProfile ANTHROPIC_PROFILE = new ModelProfile(Duration.ofMillis(200), 60);

	/**
	 * {@value #GEMINI} by default: answers in 100 ms, echoing the first 80% of the
	 * prompt's words.
	 */
	public static final ModelProfile GEMINI_PROFILE = new ModelProfile(Duration.ofMillis(100), 80);

	/**
	 * The tool every simulator calls when a request offers it: the assistant's order
	 * lookup.
	 */
	public static final String TOOL = "orderStatus";

	/** The arguments of that call: the order the walk-through asks about. */
	public static final String TOOL_ARGUMENTS = "{\"orderId\":\"A-1042\"}";

	private static final Log logger = LogFactory.getLog(SimulatedProvidersInitializer.class);

	@Override
	public void initialize(GenericApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, true)) {
			return;
		}
		SimulatedProviders simulators = start(environment);
		// As a model would to "Where is order A-1042?", when the assistant offers its
		// tool.
		simulators.all().forEach((simulator) -> simulator.answerWithToolCall(TOOL, TOOL_ARGUMENTS));
		Map<String, Object> baseUrls = new LinkedHashMap<>();
		for (SimulatedProvider simulator : simulators.all()) {
			baseUrls.put("sample.simulator." + simulator.name() + ".base-url", simulator.baseUrl().toString());
			logger.info("Simulated provider '" + simulator.name() + "' (" + simulator.protocol().type()
					+ ") listening on " + simulator.baseUrl() + ", answering in "
					+ simulator.profile().latency().toMillis() + " ms");
		}
		// Added last, so that a base-url given anywhere else still wins.
		environment.getPropertySources().addLast(new MapPropertySource("simulatedProviders", baseUrls));
		context.registerBean("simulatedProviders", SimulatedProviders.class, () -> simulators);
	}

	/**
	 * Starts the three simulators, each with its default profile unless its latency is
	 * set.
	 */
	static SimulatedProviders start(PropertyResolver environment) {
		return SimulatedProviders.builder()
			.provider(OPENAI, WireProtocol.OPENAI, profile(environment, OPENAI, OPENAI_PROFILE))
			.provider(ANTHROPIC, WireProtocol.ANTHROPIC, profile(environment, ANTHROPIC, ANTHROPIC_PROFILE))
			.provider(GEMINI, WireProtocol.GEMINI, profile(environment, GEMINI, GEMINI_PROFILE))
			.start();
	}

	private static ModelProfile profile(PropertyResolver environment, String simulator, ModelProfile profile) {
		String property = "sample.simulator." + simulator + ".latency";
		String latency = environment.getProperty(property);
		if (latency == null || latency.isBlank()) {
			return profile;
		}
		try {
			return profile.withLatency(DurationStyle.detectAndParse(latency.strip()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + " must be a duration such as 250ms, was '" + latency + "'", ex);
		}
	}

}
