package io.llmfallback.autoconfigure.internal;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.networknt.schema.Schema;
import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException;
import io.llmfallback.autoconfigure.LlmFallbackProperties;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.GuardSettings;
import io.llmfallback.chain.internal.RateLimitSettings;
import io.llmfallback.chain.internal.RetrySettings;
import io.llmfallback.chain.internal.SpendGuard;
import io.llmfallback.chain.internal.StreamSettings;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.cost.Pricing;
import io.llmfallback.cost.internal.ModelPrices;
import io.llmfallback.cost.internal.PricingSource;
import io.llmfallback.observe.internal.AlertSettings;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.ModelCapabilities;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.provider.internal.RequestAdaptation;
import io.llmfallback.provider.internal.ResponseBudget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.unit.DataSize;

/**
 * The {@code llm.fallback.*} properties, checked and turned into the core's settings.
 * Every problem is collected before failing, so one start-up names all of them.
 */
public final class LlmFallbackSettings {

	private static final Log logger = LogFactory.getLog(LlmFallbackSettings.class);

	private static final String PREFIX = LlmFallbackKeys.PREFIX;

	private static final URI SPRING_AI_URL = URI.create("spring-ai:bean");

	private final Map<String, ProviderSettings> providers = new LinkedHashMap<>();

	private final Map<String, String> providerBeans = new LinkedHashMap<>();

	private final Map<String, BreakerSettings> breakers = new LinkedHashMap<>();

	private final Map<String, GuardSettings> guards = new LinkedHashMap<>();

	private final Map<String, Pricing> pricing = new LinkedHashMap<>();

	private final Map<String, PricingSource> pricingSources = new LinkedHashMap<>();

	private final Map<String, RequestAdaptation> adaptations = new LinkedHashMap<>();

	private final List<String> assumedCapabilities = new ArrayList<>();

	private final List<ChainSettings> chains = new ArrayList<>();

	private final List<Problem> problems = new ArrayList<>();

	private final AlertSettings alerts;

	private final Map<String, BigDecimal> chainSpendLimits = new LinkedHashMap<>();

	private final @Nullable BigDecimal globalSpendLimit;

	private final Duration spendWindow;

	private final ResourceLoader resourceLoader;

	private final WrittenValues written;

	private final long maxInFlightResponseBytes;

	private LlmFallbackSettings(LlmFallbackProperties properties, ResourceLoader resourceLoader,
			Environment environment) {
		this.resourceLoader = resourceLoader;
		this.written = new WrittenValues(environment);
		// First: a misspelt key often explains the problems that follow, such as a
		// required one missing.
		this.problems.addAll(LlmFallbackKeys.unknown(environment));
		BreakerSettings defaults = breakerDefaults(properties.getCircuitBreaker());
		properties.getProviders().forEach((name, provider) -> addProvider(name, provider, defaults));
		properties.getChains().forEach((name, chain) -> addChain(name, chain, properties.getProviders()));
		this.alerts = alerts(properties.getAlerts());
		this.maxInFlightResponseBytes = positive(PREFIX + ".max-in-flight-response-size",
				properties.getMaxInFlightResponseSize());
		LlmFallbackProperties.SpendGuard spendGuard = properties.getSpendGuard();
		this.globalSpendLimit = spendLimit(PREFIX + ".spend-guard.max-spend", spendGuard.getMaxSpend());
		this.spendWindow = spendGuard.getWindow();
		window(PREFIX + ".spend-guard.window", this.spendWindow);
		properties.getChains().forEach((name, chain) -> {
			BigDecimal limit = spendLimit(PREFIX + ".chains." + name + ".max-spend", chain.getMaxSpend());
			if (limit != null) {
				this.chainSpendLimits.put(name, limit);
			}
		});
	}

	private @Nullable BigDecimal spendLimit(String property, @Nullable BigDecimal limit) {
		if (limit != null && limit.signum() <= 0) {
			invalid(property, "must be positive", limit);
		}
		return limit;
	}

	/**
	 * Checks the properties, and every key under {@code llm.fallback} in the environment;
	 * schema locations are read with the given loader.
	 * @throws InvalidLlmFallbackConfigurationException naming every wrong or unknown
	 * property
	 */
	public static LlmFallbackSettings of(LlmFallbackProperties properties, ResourceLoader resourceLoader,
			Environment environment) {
		LlmFallbackSettings settings = new LlmFallbackSettings(properties, resourceLoader, environment);
		if (!settings.problems.isEmpty()) {
			throw new InvalidLlmFallbackConfigurationException(settings.problems);
		}
		settings.logUnpricedProviders();
		settings.logAssumedCapabilities();
		return settings;
	}

	public Map<String, ProviderSettings> providers() {
		return this.providers;
	}

	/** The bean each provider of type spring-ai calls, by provider name. */
	public Map<String, String> providerBeans() {
		return this.providerBeans;
	}

	public Map<String, BreakerSettings> breakers() {
		return this.breakers;
	}

	public Map<String, GuardSettings> guards() {
		return this.guards;
	}

	/**
	 * Each provider's price: configured, else its model's list price, else
	 * {@link Pricing#FREE}.
	 */
	public Map<String, Pricing> pricing() {
		return this.pricing;
	}

	/** Where each provider's price comes from. */
	public Map<String, PricingSource> pricingSources() {
		return this.pricingSources;
	}

	/**
	 * The prices that are known, configured or listed: what cost comparisons may use. A
	 * provider missing here costs 0 only because nothing says what it costs, which a
	 * comparison must not take as cheap.
	 */
	public Map<String, Pricing> knownPrices() {
		Map<String, Pricing> known = new LinkedHashMap<>(this.pricing);
		known.keySet().removeIf((name) -> this.pricingSources.get(name) == PricingSource.NONE);
		return known;
	}

	/** How each provider rewrites requests; {@link RequestAdaptation#NONE} for most. */
	public Map<String, RequestAdaptation> adaptations() {
		return this.adaptations;
	}

	public List<ChainSettings> chains() {
		return this.chains;
	}

	public AlertSettings alerts() {
		return this.alerts;
	}

	/** The bytes of answers all providers together may hold while reading them. */
	public ResponseBudget responseBudget() {
		return new ResponseBudget(this.maxInFlightResponseBytes);
	}

	/** The spend limits: global and per chain, over the spend-guard window. */
	public SpendGuard spendGuard(Clock clock) {
		return new SpendGuard(this.globalSpendLimit, this.chainSpendLimits, this.spendWindow, clock);
	}

	private AlertSettings alerts(LlmFallbackProperties.Alerts alerts) {
		String prefix = PREFIX + ".alerts";
		LlmFallbackProperties.WindowedThreshold activation = checked(prefix + ".activation-rate",
				alerts.getActivationRate());
		LlmFallbackProperties.BaselineThreshold p95 = checked(prefix + ".fallback-p95-ratio",
				alerts.getFallbackP95Ratio());
		LlmFallbackProperties.WindowedThreshold length = checked(prefix + ".output-length-delta",
				alerts.getOutputLengthDelta());
		LlmFallbackProperties.BaselineThreshold cost = checked(prefix + ".blended-cost-ratio",
				alerts.getBlendedCostRatio());
		LlmFallbackProperties.WindowedThreshold middleware = checked(prefix + ".middleware-overhead",
				alerts.getMiddlewareOverhead());
		if (alerts.getMinRequests() < 1) {
			invalid(prefix + ".min-requests", "must be at least 1", alerts.getMinRequests());
		}
		positive(prefix + ".evaluation-interval", alerts.getEvaluationInterval());
		return new AlertSettings(activation.getThreshold(), activation.getWindow(), p95.getThreshold(), p95.getWindow(),
				p95.getBaseline(), length.getThreshold(), length.getWindow(), cost.getThreshold(), cost.getWindow(),
				cost.getBaseline(), middleware.getThreshold(), middleware.getWindow(), alerts.getMinRequests());
	}

	private LlmFallbackProperties.WindowedThreshold checked(String prefix,
			LlmFallbackProperties.WindowedThreshold alert) {
		threshold(prefix + ".threshold", alert.getThreshold());
		window(prefix + ".window", alert.getWindow());
		return alert;
	}

	private LlmFallbackProperties.BaselineThreshold checked(String prefix,
			LlmFallbackProperties.BaselineThreshold alert) {
		threshold(prefix + ".threshold", alert.getThreshold());
		window(prefix + ".window", alert.getWindow());
		window(prefix + ".baseline", alert.getBaseline());
		return alert;
	}

	private void threshold(String property, double value) {
		if (!(value >= 0) || Double.isInfinite(value)) {
			invalid(property, "must be a finite number of at least 0", value);
		}
	}

	// A rolling window is cut into sixty buckets; under a minute they would be too thin
	// to mean anything.
	private void window(String property, Duration window) {
		if (window.compareTo(Duration.ofMinutes(1)) < 0) {
			invalid(property, "must be at least 1m", window);
		}
	}

	private BreakerSettings breakerDefaults(LlmFallbackProperties.CircuitBreaker breaker) {
		String prefix = PREFIX + ".circuit-breaker";
		return checkedRule(prefix,
				checkedBreaker(prefix, breaker.getFailureThreshold(), breaker.getFailureWindow(),
						breaker.getOpenDuration(), breaker.isCountContractViolations()),
				breaker.getRule(), breaker.getFailureRateThreshold(), breaker.getSlidingWindow(),
				breaker.getMinimumCalls());
	}

	private BreakerSettings checkedBreaker(String prefix, int failureThreshold, Duration failureWindow,
			Duration openDuration, boolean countContractViolations) {
		if (failureThreshold < 1) {
			invalid(prefix + ".failure-threshold", "must be at least 1", failureThreshold);
		}
		if (failureWindow.compareTo(Duration.ofSeconds(1)) < 0) {
			invalid(prefix + ".failure-window", "must be at least 1s", failureWindow);
		}
		positive(prefix + ".open-duration", openDuration);
		return new BreakerSettings(failureThreshold, failureWindow, openDuration, countContractViolations);
	}

	/**
	 * The settings with the rule and its parameters added. The failure-rate parameters
	 * are checked under either rule, since a provider that switches to it inherits them.
	 */
	private BreakerSettings checkedRule(String prefix, BreakerSettings consecutive, BreakerSettings.Rule rule,
			double failureRateThreshold, Duration slidingWindow, int minimumCalls) {
		if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
			invalid(prefix + ".failure-rate-threshold", "must be a share above 0 and at most 1 (0.5 is 50%)",
					failureRateThreshold);
		}
		// Resilience4j's time-based window counts calls in one bucket per second,
		// allocated up front.
		if (slidingWindow.compareTo(Duration.ofSeconds(1)) < 0 || slidingWindow.compareTo(Duration.ofHours(1)) > 0
				|| slidingWindow.toNanosPart() != 0) {
			invalid(prefix + ".sliding-window", "must be whole seconds from 1s to 1h", slidingWindow);
		}
		if (minimumCalls < 1) {
			invalid(prefix + ".minimum-calls", "must be at least 1", minimumCalls);
		}
		return new BreakerSettings(consecutive.failureThreshold(), consecutive.failureWindow(),
				consecutive.openDuration(), consecutive.countContractViolations(), rule, failureRateThreshold,
				slidingWindow, minimumCalls);
	}

	private void addProvider(String name, LlmFallbackProperties.Provider provider, BreakerSettings defaults) {
		String prefix = PREFIX + ".providers." + name;
		if (provider.getType() == null) {
			problem(prefix + ".type", "is required (openai, anthropic, gemini or spring-ai)");
		}
		URI baseUrl = (provider.getType() == ProviderType.SPRING_AI) ? springAiBean(name, prefix, provider)
				: baseUrl(prefix + ".base-url", provider);
		if (provider.getApiKey().contains("${")) {
			// The value is not printed: it may hold part of a real key.
			problem(prefix + ".api-key", "holds an unresolved placeholder; set the variable it names, or give "
					+ "the placeholder an empty default (${NAME:}) for an endpoint without a key");
		}
		if (provider.getModel() == null || provider.getModel().isBlank()) {
			problem(prefix + ".model", "is required");
		}
		positive(prefix + ".timeout", provider.getTimeout());
		if (provider.getMaxTokens() < 1) {
			invalid(prefix + ".max-tokens", "must be at least 1", provider.getMaxTokens());
		}
		long maxResponseBytes = positive(prefix + ".max-response-size", provider.getMaxResponseSize());
		if (provider.getMaxInputTokens() < 1) {
			invalid(prefix + ".max-input-tokens", "must be at least 1", provider.getMaxInputTokens());
		}
		addPricing(name, prefix + ".pricing", provider.getPricing(), provider.getModel());
		LlmFallbackProperties.CircuitBreakerOverrides overrides = provider.getCircuitBreaker();
		String breakerPrefix = prefix + ".circuit-breaker";
		this.breakers.put(name, checkedRule(breakerPrefix,
				checkedBreaker(breakerPrefix, orDefault(overrides.getFailureThreshold(), defaults.failureThreshold()),
						orDefault(overrides.getFailureWindow(), defaults.failureWindow()),
						orDefault(overrides.getOpenDuration(), defaults.openDuration()),
						defaults.countContractViolations()),
				orDefault(overrides.getRule(), defaults.rule()),
				orDefault(overrides.getFailureRateThreshold(), defaults.failureRateThreshold()),
				orDefault(overrides.getSlidingWindow(), defaults.slidingWindow()),
				orDefault(overrides.getMinimumCalls(), defaults.minimumCalls())));
		this.guards.put(name, guard(prefix, provider, this.breakers.get(name)));
		LlmFallbackProperties.Adaptation adaptation = provider.getAdaptation();
		Double temperature = adaptation.getTemperature();
		if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
			invalid(prefix + ".adaptation.temperature", "must be between 0 and 2", temperature);
		}
		this.adaptations.put(name, new RequestAdaptation(adaptation.getSystemPromptReplacement(),
				adaptation.getSystemPromptAddendum(), temperature, adaptation.getDrop()));
		ProviderCapabilities capabilities = capabilities(name, prefix + ".capabilities", provider.getCapabilities(),
				provider.getModel());
		if (provider.getType() != null && baseUrl != null && provider.getModel() != null
				&& provider.getMaxInputTokens() > 0) {
			this.providers.put(name,
					new ProviderSettings(name, provider.getType(), baseUrl, provider.getApiKey(), provider.getModel(),
							provider.getTimeout(), provider.getMaxTokens(), provider.getHeaders(), maxResponseBytes,
							provider.getMaxInputTokens(), capabilities));
		}
	}

	/**
	 * The provider's capabilities: each configured one, else its model's in
	 * {@link ModelCapabilities}; for a model it does not know, the unconfigured ones are
	 * assumed ({@link ProviderCapabilities#UNRESTRICTED}) and named in a start-up log.
	 */
	private ProviderCapabilities capabilities(String name, String prefix, LlmFallbackProperties.Capabilities configured,
			@Nullable String model) {
		Integer contextWindow = configured.getContextWindow();
		if (contextWindow != null && contextWindow < 1) {
			invalid(prefix + ".context-window", "must be at least 1", contextWindow);
			contextWindow = null;
		}
		ProviderCapabilities listed = (model != null) ? ModelCapabilities.forModel(model) : null;
		ProviderCapabilities defaults = (listed != null) ? listed : ProviderCapabilities.UNRESTRICTED;
		if (listed == null && model != null) {
			List<String> assumed = new ArrayList<>();
			if (configured.getTools() == null) {
				assumed.add("tools=true");
			}
			if (configured.getImages() == null) {
				assumed.add("images=true");
			}
			if (configured.getJsonSchema() == null) {
				assumed.add("json-schema=true");
			}
			if (configured.getContextWindow() == null) {
				assumed.add("context-window=unknown");
			}
			if (!assumed.isEmpty()) {
				this.assumedCapabilities.add("Provider '" + name + "' has a model ('" + model
						+ "') without built-in capabilities, so it is assumed to have " + String.join(", ", assumed)
						+ "; set " + prefix + ".* to say what it takes");
			}
		}
		return new ProviderCapabilities(orDefault(configured.getTools(), defaults.tools()),
				orDefault(configured.getImages(), defaults.images()),
				orDefault(configured.getJsonSchema(), defaults.jsonSchema()),
				(contextWindow != null) ? contextWindow : defaults.contextWindow());
	}

	/**
	 * The provider's guard; with any of its values wrong, the defaults, which only serve
	 * to finish the report that fails start-up.
	 */
	private GuardSettings guard(String prefix, LlmFallbackProperties.Provider provider, BreakerSettings breaker) {
		int problemsBefore = this.problems.size();
		Duration threshold = provider.getSlowCallThreshold();
		if (threshold != null) {
			positive(prefix + ".slow-call-threshold", threshold);
			if (threshold.compareTo(provider.getTimeout()) > 0) {
				invalid(prefix + ".slow-call-threshold", "must be at most the timeout ("
						+ this.written.of(prefix + ".timeout", provider.getTimeout()) + ")", threshold);
			}
		}
		if (provider.getMaxConcurrency() < 1) {
			invalid(prefix + ".max-concurrency", "must be at least 1", provider.getMaxConcurrency());
		}
		StreamSettings streamDefaults = StreamSettings.defaults(provider.getTimeout());
		Duration firstChunk = (provider.getTimeToFirstChunk() != null) ? provider.getTimeToFirstChunk()
				: streamDefaults.timeToFirstChunk();
		if (provider.getTimeToFirstChunk() != null) {
			positive(prefix + ".time-to-first-chunk", firstChunk);
			if (firstChunk.compareTo(provider.getTimeout()) > 0) {
				invalid(prefix + ".time-to-first-chunk", "must be at most the timeout ("
						+ this.written.of(prefix + ".timeout", provider.getTimeout()) + ")", firstChunk);
			}
		}
		positive(prefix + ".stall-timeout", provider.getStallTimeout());
		RetrySettings retry = retry(prefix + ".retry", provider.getRetry());
		LlmFallbackProperties.RateLimit rateLimit = provider.getRateLimit();
		if (rateLimit.getRequestsPerMinute() < 0) {
			invalid(prefix + ".rate-limit.requests-per-minute", "cannot be negative (0 is no limit)",
					rateLimit.getRequestsPerMinute());
		}
		if (rateLimit.getTokensPerMinute() < 0) {
			invalid(prefix + ".rate-limit.tokens-per-minute", "cannot be negative (0 is no limit)",
					rateLimit.getTokensPerMinute());
		}
		if (this.problems.size() > problemsBefore) {
			return GuardSettings.defaults(provider.getTimeout(), breaker);
		}
		return new GuardSettings(provider.getTimeout(), provider.isSlowCallDetection(), threshold,
				GuardSettings.slowCallsToOpen(breaker), provider.getMaxConcurrency(), retry,
				new RateLimitSettings(rateLimit.getRequestsPerMinute(), rateLimit.getTokensPerMinute(),
						rateLimit.isRespectRetryAfter()),
				provider.isCancelWaitingCalls(), new StreamSettings(firstChunk, provider.getStallTimeout()));
	}

	private RetrySettings retry(String prefix, LlmFallbackProperties.Retry retry) {
		int problemsBefore = this.problems.size();
		if (retry.getMaxAttempts() < 0) {
			invalid(prefix + ".max-attempts", "cannot be negative (0 is no retries)", retry.getMaxAttempts());
		}
		positive(prefix + ".initial-backoff", retry.getInitialBackoff());
		if (retry.getMaxBackoff().compareTo(retry.getInitialBackoff()) < 0) {
			invalid(prefix + ".max-backoff",
					"must be at least initial-backoff ("
							+ this.written.of(prefix + ".initial-backoff", retry.getInitialBackoff()) + ")",
					retry.getMaxBackoff());
		}
		if (retry.getMaxAttempts() > 0 && retry.getRetryOn().isEmpty()) {
			problem(prefix + ".retry-on", "must name at least one failure category when max-attempts is above 0");
		}
		if (this.problems.size() > problemsBefore) {
			return RetrySettings.OFF;
		}
		return new RetrySettings(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMaxBackoff(),
				retry.getRetryOn());
	}

	private void addPricing(String name, String prefix, LlmFallbackProperties.Pricing price, @Nullable String model) {
		BigDecimal input = price.getInputPerMillionTokens();
		BigDecimal output = price.getOutputPerMillionTokens();
		BigDecimal cachedInput = price.getCachedInputPerMillionTokens();
		if (input == null && output == null && cachedInput == null) {
			Pricing listed = (model != null) ? ModelPrices.forModel(model) : null;
			this.pricing.put(name, (listed != null) ? listed : Pricing.FREE);
			this.pricingSources.put(name, (listed != null) ? PricingSource.CATALOG : PricingSource.NONE);
			return;
		}
		int problemsBefore = this.problems.size();
		// A configured price replaces the list price whole, so it must be whole: an input
		// price alone says nothing of what output costs.
		String given = (input != null) ? "input-per-million-tokens"
				: (output != null) ? "output-per-million-tokens" : "cached-input-per-million-tokens";
		if (input == null) {
			problem(prefix + ".input-per-million-tokens", "is required when " + given + " is set");
		}
		if (output == null) {
			problem(prefix + ".output-per-million-tokens", "is required when " + given + " is set");
		}
		notNegative(prefix + ".input-per-million-tokens", input);
		notNegative(prefix + ".output-per-million-tokens", output);
		notNegative(prefix + ".cached-input-per-million-tokens", cachedInput);
		if (input != null && output != null && this.problems.size() == problemsBefore) {
			this.pricing.put(name, new Pricing(input, output, orDefault(cachedInput, input)));
			this.pricingSources.put(name, PricingSource.CONFIGURED);
		}
	}

	private void notNegative(String property, @Nullable BigDecimal price) {
		if (price != null && price.signum() < 0) {
			invalid(property, "cannot be negative", price);
		}
	}

	// Once, at start-up: a provider taken to take tools or images it does not is sent
	// requests it will refuse or misread.
	private void logAssumedCapabilities() {
		if (logger.isInfoEnabled()) {
			this.assumedCapabilities.forEach(logger::info);
		}
	}

	// Once, at start-up: a provider that reads as free lets spend limits and cost alerts
	// miss its spend.
	private void logUnpricedProviders() {
		this.providers.forEach((name, provider) -> {
			if (this.pricingSources.get(name) == PricingSource.NONE && logger.isInfoEnabled()) {
				logger.info("Provider '" + name + "' has no configured price and its model '" + provider.model()
						+ "' has no list price, so its cost will read as 0; set " + PREFIX + ".providers." + name
						+ ".pricing.* to count it");
			}
		});
	}

	/**
	 * The bean a spring-ai provider calls, kept aside; its settings get a URL that names
	 * no host, as such a provider has none.
	 */
	private @Nullable URI springAiBean(String name, String prefix, LlmFallbackProperties.Provider provider) {
		String bean = provider.getBean();
		if (bean == null || bean.isBlank()) {
			problem(prefix + ".bean", "is required for type spring-ai: the name of a Spring AI ChatModel bean");
			return null;
		}
		this.providerBeans.put(name, bean.trim());
		return SPRING_AI_URL;
	}

	private @Nullable URI baseUrl(String property, LlmFallbackProperties.Provider provider) {
		String value = provider.getBaseUrl();
		String example = (provider.getType() == ProviderType.ANTHROPIC) ? "https://api.anthropic.com"
				: (provider.getType() == ProviderType.GEMINI) ? "https://generativelanguage.googleapis.com"
						: "https://api.openai.com";
		if (value == null || value.isBlank()) {
			problem(property, "is required, e.g. " + example);
			return null;
		}
		try {
			URI uri = new URI(value.trim());
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// Reported below like any other URL that is not one.
		}
		// A key pasted into the URL (Gemini's ?key=, user:password@) must not reach the
		// report.
		String shown = value.replaceFirst("\\?.*", "?...").replaceFirst("//[^/@]*@", "//...@");
		if (!provider.getApiKey().isBlank()) {
			shown = shown.replace(provider.getApiKey(), "******");
		}
		problem(property, "'" + shown + "' is not an absolute http(s) URL such as " + example);
		return null;
	}

	private void addChain(String name, LlmFallbackProperties.Chain chain,
			Map<String, LlmFallbackProperties.Provider> configuredProviders) {
		Set<String> knownProviders = configuredProviders.keySet();
		String prefix = PREFIX + ".chains." + name;
		List<String> providers = chain.getProviders();
		if (providers.isEmpty()) {
			problem(prefix + ".providers", "must list at least one provider");
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < providers.size(); i++) {
			String provider = providers.get(i);
			if (!knownProviders.contains(provider)) {
				problem(prefix + ".providers[" + i + "]",
						"unknown provider '" + provider + "' (configured providers: " + knownProviders + ")");
			}
			else if (!seen.add(provider)) {
				problem(prefix + ".providers[" + i + "]", "provider '" + provider + "' is listed twice");
			}
		}
		positive(prefix + ".latency-budget", chain.getLatencyBudget());
		Integer cap = chain.getFallbackMaxTokens();
		if (cap != null && cap < 1) {
			invalid(prefix + ".fallback-max-tokens", "must be at least 1", cap);
		}
		OutputContract contract = outputContract(prefix + ".output-contract", chain.getOutputContract());
		Integer maxAttempts = chain.getMaxAttempts();
		if (maxAttempts != null && maxAttempts < 1) {
			invalid(prefix + ".max-attempts", "must be at least 1", maxAttempts);
		}
		double retryBudget = share(prefix + ".retry-budget", chain.getRetryBudget()) ? chain.getRetryBudget()
				: ChainSettings.DEFAULT_RETRY_BUDGET;
		String primary = providers.isEmpty() ? null : providers.get(0);
		HedgeSettings hedge = hedge(prefix + ".hedge", chain.getHedge(), providers.size(), primary,
				(primary != null) ? configuredProviders.get(primary) : null);
		this.chains.add(new ChainSettings(name, providers, chain.getLatencyBudget(), cap, chain.getFallbackOn(),
				contract, chain.isLastResort(),
				(maxAttempts != null && maxAttempts > 0) ? maxAttempts
						: ChainSettings.defaultMaxAttempts(providers.size()),
				retryBudget, hedge,
				streamRecovery(prefix + ".stream", chain.getStream(), providers, configuredProviders)));
	}

	/**
	 * What the chain's streams do once cut after their first chunk. A continuation needs
	 * a provider after the primary that accepts a prefill: without one, {@code continue}
	 * would silently be {@code error}.
	 */
	private StreamRecovery streamRecovery(String prefix, LlmFallbackProperties.Stream stream, List<String> providers,
			Map<String, LlmFallbackProperties.Provider> configuredProviders) {
		positive(prefix + ".continuation-budget", stream.getContinuationBudget());
		if (stream.getOnInterruption() == StreamRecovery.OnInterruption.CONTINUE && providers.stream()
			.skip(1)
			.map(configuredProviders::get)
			.noneMatch((provider) -> provider != null && provider.getType() == ProviderType.ANTHROPIC)) {
			invalid(prefix + ".on-interruption", "needs a provider after the first that accepts a prefill (type "
					+ "anthropic) to continue an answer on", "continue");
		}
		Duration budget = stream.getContinuationBudget();
		return new StreamRecovery(stream.getOnInterruption(),
				(budget.isNegative() || budget.isZero()) ? StreamRecovery.DEFAULT_CONTINUATION_BUDGET : budget);
	}

	/**
	 * Whether the value is a share, in [0, 1] (NaN is not one); reported when it is not.
	 */
	private boolean share(String property, double value) {
		if (!(value >= 0 && value <= 1)) {
			invalid(property, "must be a share from 0 to 1 (0.1 is 10%)", value);
			return false;
		}
		return true;
	}

	/**
	 * The hedge: after a percentile ({@code p95}, {@code p99.9}) of the primary's recent
	 * latency, or a duration; off when unset. With a wrong value, off, which only serves
	 * to finish the report.
	 */
	private HedgeSettings hedge(String prefix, LlmFallbackProperties.Hedge hedge, int providers,
			@Nullable String primaryName, LlmFallbackProperties.@Nullable Provider primary) {
		double maxShare = hedge.getMaxShare();
		if (!share(prefix + ".max-share", maxShare)) {
			return HedgeSettings.OFF;
		}
		String after = hedge.getAfter();
		if (after == null || after.isBlank()) {
			return new HedgeSettings(null, 0, maxShare);
		}
		String property = prefix + ".after";
		if (providers < 2) {
			invalid(property, "needs a second provider in the chain to hedge with", after);
			return HedgeSettings.OFF;
		}
		double percentile = percentile(after.strip());
		if (!Double.isNaN(percentile)) {
			if (percentile > 0 && percentile < 100) {
				return HedgeSettings.afterPercentile(percentile, maxShare);
			}
			invalid(property, "must be a percentile above p0 and below p100", after);
			return HedgeSettings.OFF;
		}
		Duration delay;
		try {
			delay = DurationStyle.detectAndParse(after.strip(), ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException ex) {
			invalid(property, "must be a duration (800ms) or a percentile of the primary's latency (p95, p99)", after);
			return HedgeSettings.OFF;
		}
		if (delay.isNegative() || delay.isZero()) {
			invalid(property, "must be positive", after);
			return HedgeSettings.OFF;
		}
		if (primary != null && delay.compareTo(primary.getTimeout()) >= 0) {
			String timeout = this.written.of(PREFIX + ".providers." + primaryName + ".timeout", primary.getTimeout());
			invalid(property, "must be shorter than the primary's timeout (" + timeout + "), which ends its call first",
					after);
			return HedgeSettings.OFF;
		}
		return HedgeSettings.after(delay, maxShare);
	}

	/**
	 * The percentile that {@code p95} or {@code p99.9} names, read character by character
	 * (the value is the user's, and a pattern would do no better); NaN when the value is
	 * not written that way.
	 */
	private static double percentile(String value) {
		if (value.length() < 2 || value.length() > 8 || Character.toLowerCase(value.charAt(0)) != 'p') {
			return Double.NaN;
		}
		boolean point = false;
		for (int i = 1; i < value.length(); i++) {
			char c = value.charAt(i);
			boolean digit = c >= '0' && c <= '9';
			boolean firstPoint = c == '.' && !point && i > 1 && i < value.length() - 1;
			if (!digit && !firstPoint) {
				return Double.NaN;
			}
			point |= c == '.';
		}
		return Double.parseDouble(value.substring(1));
	}

	private OutputContract outputContract(String prefix, LlmFallbackProperties.OutputContract contract) {
		Schema schema = null;
		if (contract.getJsonSchema() != null && !contract.getJsonSchema().isBlank()) {
			Resource resource = this.resourceLoader.getResource(contract.getJsonSchema());
			try (InputStream input = resource.getInputStream()) {
				schema = OutputContract.parseSchema(new String(input.readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				problem(prefix + ".json-schema", "cannot be read from '" + contract.getJsonSchema() + "'");
			}
			catch (IllegalArgumentException ex) {
				problem(prefix + ".json-schema", "'" + contract.getJsonSchema() + "' is not a JSON Schema");
			}
		}
		Integer min = contract.getMinLength();
		Integer max = contract.getMaxLength();
		if (min != null && min < 0) {
			invalid(prefix + ".min-length", "cannot be negative", min);
		}
		if (max != null && max < 1) {
			invalid(prefix + ".max-length", "must be at least 1", max);
		}
		if (min != null && max != null && min > max) {
			problem(prefix + ".min-length", "is greater than max-length (" + min + " > " + max + ")");
		}
		return new OutputContract(schema, min, max, contract.isRequireComplete(), contract.getOnViolation());
	}

	private void positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			invalid(property, "must be positive", value);
		}
	}

	/**
	 * The size in bytes; a size that is not positive is a problem, and reads as 1 so that
	 * settings still build.
	 */
	private long positive(String property, DataSize size) {
		if (size.toBytes() < 1) {
			invalid(property, "must be positive", size);
			return 1;
		}
		return size.toBytes();
	}

	private void problem(String property, String reason) {
		this.problems.add(new Problem(property, reason));
	}

	/** A problem that echoes the value as the user wrote it. */
	private void invalid(String property, String rule, Object value) {
		problem(property, rule + ", was " + this.written.of(property, value));
	}

	private static <T> T orDefault(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}
