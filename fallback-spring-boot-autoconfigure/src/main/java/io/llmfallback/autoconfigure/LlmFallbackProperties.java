package io.llmfallback.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.StreamRecovery;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.GuardSettings;
import io.llmfallback.chain.internal.RateLimitSettings;
import io.llmfallback.chain.internal.RetrySettings;
import io.llmfallback.chain.internal.StreamSettings;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.provider.internal.RequestAdaptation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * Providers, chains and circuit breakers of llm-fallback.
 */
@ConfigurationProperties("llm.fallback")
public class LlmFallbackProperties {

	/** Whether to configure llm-fallback at all. */
	private boolean enabled = true;

	/** Circuit-breaker defaults for every provider; each provider may override them. */
	private CircuitBreaker circuitBreaker = new CircuitBreaker();

	/**
	 * LLM endpoints by name. Each takes type, base-url, api-key, bean, model, timeout,
	 * max-tokens, max-input-tokens, max-response-size, headers, pricing.*,
	 * circuit-breaker.*, adaptation.*, slow-call-detection, cancel-waiting-calls,
	 * slow-call-threshold, max-concurrency, time-to-first-chunk, stall-timeout, retry.*,
	 * rate-limit.* and capabilities.*.
	 */
	private Map<String, Provider> providers = new LinkedHashMap<>();

	/**
	 * Fallback chains by name. Each takes providers, latency-budget, fallback-max-tokens,
	 * fallback-on, last-resort, max-spend, output-contract.*, max-attempts, retry-budget,
	 * hedge.* and stream.*; with the fallback-gate module, gate-corpus.
	 */
	private Map<String, Chain> chains = new LinkedHashMap<>();

	/** Thresholds and windows of the six fallback signals' alerts. */
	private Alerts alerts = new Alerts();

	/** What request and attempt observations (spans) carry. */
	private Observability observability = new Observability();

	/** Spend limits that stop expensive fallbacks once reached. */
	private SpendGuard spendGuard = new SpendGuard();

	/**
	 * Ceiling on the bytes of provider answers being read at one time, all providers
	 * together; an answer that does not fit fails as response-too-large and the chain
	 * moves on.
	 */
	private DataSize maxInFlightResponseSize = DataSize.ofMegabytes(64);

	public DataSize getMaxInFlightResponseSize() {
		return this.maxInFlightResponseSize;
	}

	public void setMaxInFlightResponseSize(DataSize maxInFlightResponseSize) {
		this.maxInFlightResponseSize = maxInFlightResponseSize;
	}

	public SpendGuard getSpendGuard() {
		return this.spendGuard;
	}

	public void setSpendGuard(SpendGuard spendGuard) {
		this.spendGuard = spendGuard;
	}

	/** Spend limits over a rolling window. */
	public static class SpendGuard {

		/** Rolling window the spend limits apply to. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration window = Duration.ofHours(1);

		/**
		 * USD all chains together may spend within the window before fallbacks dearer
		 * than the primary stop.
		 */
		private @Nullable BigDecimal maxSpend;

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public @Nullable BigDecimal getMaxSpend() {
			return this.maxSpend;
		}

		public void setMaxSpend(@Nullable BigDecimal maxSpend) {
			this.maxSpend = maxSpend;
		}

	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
		this.circuitBreaker = circuitBreaker;
	}

	public Map<String, Provider> getProviders() {
		return this.providers;
	}

	public void setProviders(Map<String, Provider> providers) {
		this.providers = providers;
	}

	public Map<String, Chain> getChains() {
		return this.chains;
	}

	public void setChains(Map<String, Chain> chains) {
		this.chains = chains;
	}

	public Alerts getAlerts() {
		return this.alerts;
	}

	public void setAlerts(Alerts alerts) {
		this.alerts = alerts;
	}

	public Observability getObservability() {
		return this.observability;
	}

	public void setObservability(Observability observability) {
		this.observability = observability;
	}

	/** Alerts on the fallback signals. */
	public static class Alerts {

		/** Share of requests a fallback served. */
		private WindowedThreshold activationRate = new WindowedThreshold(0.05, Duration.ofMinutes(15));

		/** Fallback-path P95 latency over the primary-path P95 baseline. */
		private BaselineThreshold fallbackP95Ratio = new BaselineThreshold(2.0, Duration.ofHours(1),
				Duration.ofMinutes(15));

		/**
		 * Relative difference of mean output length, fallback vs primary, per operation.
		 */
		private WindowedThreshold outputLengthDelta = new WindowedThreshold(0.20, Duration.ofHours(1));

		/** Recent blended cost per request over its rolling baseline. */
		private BaselineThreshold blendedCostRatio = new BaselineThreshold(1.5, Duration.ofDays(7),
				Duration.ofHours(1));

		/**
		 * Extra middleware evaluations per fallback-served request, relative to a
		 * primary-served one.
		 */
		private WindowedThreshold middlewareOverhead = new WindowedThreshold(0.30, Duration.ofMinutes(15));

		/** Logical requests a chain's window needs before its alerts may fire. */
		private int minRequests = 20;

		/**
		 * How often alerts are evaluated in the background (breaker alerts follow
		 * transitions at once).
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration evaluationInterval = Duration.ofSeconds(10);

		public WindowedThreshold getActivationRate() {
			return this.activationRate;
		}

		public void setActivationRate(WindowedThreshold activationRate) {
			this.activationRate = activationRate;
		}

		public BaselineThreshold getFallbackP95Ratio() {
			return this.fallbackP95Ratio;
		}

		public void setFallbackP95Ratio(BaselineThreshold fallbackP95Ratio) {
			this.fallbackP95Ratio = fallbackP95Ratio;
		}

		public WindowedThreshold getOutputLengthDelta() {
			return this.outputLengthDelta;
		}

		public void setOutputLengthDelta(WindowedThreshold outputLengthDelta) {
			this.outputLengthDelta = outputLengthDelta;
		}

		public BaselineThreshold getBlendedCostRatio() {
			return this.blendedCostRatio;
		}

		public void setBlendedCostRatio(BaselineThreshold blendedCostRatio) {
			this.blendedCostRatio = blendedCostRatio;
		}

		public WindowedThreshold getMiddlewareOverhead() {
			return this.middlewareOverhead;
		}

		public void setMiddlewareOverhead(WindowedThreshold middlewareOverhead) {
			this.middlewareOverhead = middlewareOverhead;
		}

		public int getMinRequests() {
			return this.minRequests;
		}

		public void setMinRequests(int minRequests) {
			this.minRequests = minRequests;
		}

		public Duration getEvaluationInterval() {
			return this.evaluationInterval;
		}

		public void setEvaluationInterval(Duration evaluationInterval) {
			this.evaluationInterval = evaluationInterval;
		}

	}

	/** A threshold over one rolling window. */
	public static class WindowedThreshold {

		/** Value above which the alert fires. */
		private double threshold;

		/** Rolling window the signal is computed over. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration window;

		public WindowedThreshold(double threshold, Duration window) {
			this.threshold = threshold;
			this.window = window;
		}

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/** A threshold on a recent window compared with a longer baseline window. */
	public static class BaselineThreshold {

		/** Ratio of recent to baseline above which the alert fires. */
		private double threshold;

		/** Rolling window of the baseline. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration baseline;

		/** Rolling window of the recent value. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration window;

		public BaselineThreshold(double threshold, Duration baseline, Duration window) {
			this.threshold = threshold;
			this.baseline = baseline;
			this.window = window;
		}

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

		public Duration getBaseline() {
			return this.baseline;
		}

		public void setBaseline(Duration baseline) {
			this.baseline = baseline;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/** A chain's output contract. */
	public static class OutputContract {

		/**
		 * Location of a JSON Schema (draft 2020-12) the output must satisfy, e.g.
		 * classpath:contracts/summary.schema.json.
		 */
		private @Nullable String jsonSchema;

		/** Fewest characters an output may have. */
		private @Nullable Integer minLength;

		/** Most characters an output may have. */
		private @Nullable Integer maxLength;

		/**
		 * Whether an output the token limit cut off (finish reason length / max_tokens)
		 * breaks the contract.
		 */
		private boolean requireComplete = false;

		/**
		 * What to do with a violating answer: next-provider (a failure of that provider)
		 * or accept-and-flag.
		 */
		private OnViolation onViolation = OnViolation.NEXT_PROVIDER;

		public @Nullable String getJsonSchema() {
			return this.jsonSchema;
		}

		public void setJsonSchema(@Nullable String jsonSchema) {
			this.jsonSchema = jsonSchema;
		}

		public @Nullable Integer getMinLength() {
			return this.minLength;
		}

		public void setMinLength(@Nullable Integer minLength) {
			this.minLength = minLength;
		}

		public @Nullable Integer getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(@Nullable Integer maxLength) {
			this.maxLength = maxLength;
		}

		public boolean isRequireComplete() {
			return this.requireComplete;
		}

		public void setRequireComplete(boolean requireComplete) {
			this.requireComplete = requireComplete;
		}

		public OnViolation getOnViolation() {
			return this.onViolation;
		}

		public void setOnViolation(OnViolation onViolation) {
			this.onViolation = onViolation;
		}

	}

	/** What observations carry. */
	public static class Observability {

		/**
		 * Whether attempt spans carry prompt and completion text (gen_ai.input.messages /
		 * gen_ai.output.messages).
		 */
		private boolean captureContent = false;

		public boolean isCaptureContent() {
			return this.captureContent;
		}

		public void setCaptureContent(boolean captureContent) {
			this.captureContent = captureContent;
		}

	}

	/** One LLM endpoint. */
	public static class Provider {

		/**
		 * Wire protocol: openai (any OpenAI-compatible API), anthropic or gemini; or
		 * spring-ai, for a Spring AI ChatModel bean named by bean.
		 */
		private @Nullable ProviderType type;

		/**
		 * Name of the Spring AI ChatModel bean a provider of type spring-ai calls; it
		 * needs no base-url or api-key.
		 */
		private @Nullable String bean;

		/**
		 * Scheme, host and optional path prefix of the API, e.g. https://api.openai.com.
		 */
		private @Nullable String baseUrl;

		/**
		 * API key; never logged or shown by the actuator. Empty for endpoints without
		 * one.
		 */
		private String apiKey = "";

		/** Model sent when a request names none. */
		private @Nullable String model;

		/**
		 * Ceiling on one call to this provider; a chain shortens it to what is left of
		 * its latency budget.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration timeout = Duration.ofSeconds(30);

		/** Output-token cap sent when a request names none. */
		private int maxTokens = 4096;

		/** Extra headers sent with every request. */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * What the provider charges; unset, the built-in list price of its model applies,
		 * and a model the list does not know costs nothing.
		 */
		private Pricing pricing = new Pricing();

		/** Overrides of the circuit-breaker defaults for this provider. */
		private CircuitBreakerOverrides circuitBreaker = new CircuitBreakerOverrides();

		/** How this provider rewrites a chain's request before sending it. */
		private Adaptation adaptation = new Adaptation();

		/**
		 * Ceiling on the body of one answer; reading stops at the first byte past it and
		 * the answer fails as response-too-large.
		 */
		private DataSize maxResponseSize = DataSize.ofBytes(ProviderSettings.DEFAULT_MAX_RESPONSE_BYTES);

		/**
		 * Most prompt tokens an answer may report; an answer reporting more is priced at
		 * this many and flagged. The default covers the largest context windows of
		 * today's models.
		 */
		private long maxInputTokens = ProviderSettings.DEFAULT_MAX_INPUT_TOKENS;

		/**
		 * Whether calls in flight can open the breaker: once as many calls as the
		 * breaker's failure threshold have waited past the slow-call threshold, and no
		 * call started after them has been answered, the provider has stopped answering
		 * and its breaker opens before any of them times out.
		 */
		private boolean slowCallDetection = true;

		/**
		 * Age past which a call in flight is slow. Unset, it is derived from the
		 * provider's recent latency: twice its p99, at least 1 s and at most the timeout.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private @Nullable Duration slowCallThreshold;

		/**
		 * Whether calls still waiting on this provider when its breaker opens are given
		 * up (cancelled), their requests moving on to the next provider at once instead
		 * of waiting out a provider found failing.
		 */
		private boolean cancelWaitingCalls = true;

		/**
		 * Most a streamed attempt waits for its first chunk, from the attempt's own
		 * start, before the chain falls over. Unset: 10 s, or the timeout when that is
		 * shorter.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private @Nullable Duration timeToFirstChunk;

		/**
		 * Most a stream may go without a chunk; past it the attempt ends as a timeout.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration stallTimeout = StreamSettings.DEFAULT_STALL_TIMEOUT;

		/**
		 * Most calls in flight to this provider; a request over it goes to the next
		 * provider (bulkhead-full).
		 */
		private int maxConcurrency = GuardSettings.DEFAULT_MAX_CONCURRENCY;

		/** Retries of a failed call on this provider, before the chain moves on. */
		private Retry retry = new Retry();

		/** This provider's rate limits, kept on our side. */
		private RateLimit rateLimit = new RateLimit();

		/**
		 * What this provider's model takes; unset, the built-in capabilities of its model
		 * apply, and a model the list does not know is taken to take everything.
		 */
		private Capabilities capabilities = new Capabilities();

		public @Nullable Duration getTimeToFirstChunk() {
			return this.timeToFirstChunk;
		}

		public void setTimeToFirstChunk(@Nullable Duration timeToFirstChunk) {
			this.timeToFirstChunk = timeToFirstChunk;
		}

		public Duration getStallTimeout() {
			return this.stallTimeout;
		}

		public void setStallTimeout(Duration stallTimeout) {
			this.stallTimeout = stallTimeout;
		}

		public boolean isCancelWaitingCalls() {
			return this.cancelWaitingCalls;
		}

		public void setCancelWaitingCalls(boolean cancelWaitingCalls) {
			this.cancelWaitingCalls = cancelWaitingCalls;
		}

		public boolean isSlowCallDetection() {
			return this.slowCallDetection;
		}

		public void setSlowCallDetection(boolean slowCallDetection) {
			this.slowCallDetection = slowCallDetection;
		}

		public @Nullable Duration getSlowCallThreshold() {
			return this.slowCallThreshold;
		}

		public void setSlowCallThreshold(@Nullable Duration slowCallThreshold) {
			this.slowCallThreshold = slowCallThreshold;
		}

		public int getMaxConcurrency() {
			return this.maxConcurrency;
		}

		public void setMaxConcurrency(int maxConcurrency) {
			this.maxConcurrency = maxConcurrency;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public void setRetry(Retry retry) {
			this.retry = retry;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(RateLimit rateLimit) {
			this.rateLimit = rateLimit;
		}

		public Adaptation getAdaptation() {
			return this.adaptation;
		}

		public void setAdaptation(Adaptation adaptation) {
			this.adaptation = adaptation;
		}

		public @Nullable ProviderType getType() {
			return this.type;
		}

		public void setType(@Nullable ProviderType type) {
			this.type = type;
		}

		public @Nullable String getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(@Nullable String baseUrl) {
			this.baseUrl = baseUrl;
		}

		public @Nullable String getBean() {
			return this.bean;
		}

		public void setBean(@Nullable String bean) {
			this.bean = bean;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public @Nullable String getModel() {
			return this.model;
		}

		public void setModel(@Nullable String model) {
			this.model = model;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(int maxTokens) {
			this.maxTokens = maxTokens;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public Pricing getPricing() {
			return this.pricing;
		}

		public void setPricing(Pricing pricing) {
			this.pricing = pricing;
		}

		public CircuitBreakerOverrides getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public void setCircuitBreaker(CircuitBreakerOverrides circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

		public long getMaxInputTokens() {
			return this.maxInputTokens;
		}

		public void setMaxInputTokens(long maxInputTokens) {
			this.maxInputTokens = maxInputTokens;
		}

		public Capabilities getCapabilities() {
			return this.capabilities;
		}

		public void setCapabilities(Capabilities capabilities) {
			this.capabilities = capabilities;
		}

		/** Leaves the API key out, so that printing the properties never leaks it. */
		@Override
		public String toString() {
			return "Provider[type=" + this.type + ", baseUrl=" + this.baseUrl + ", apiKey="
					+ (this.apiKey.isBlank() ? "<none>" : "******") + ", model=" + this.model + "]";
		}

	}

	/** Retries of a failed call on one provider. */
	public static class Retry {

		/** Retries a request may make on this provider; 0 switches retries off. */
		private int maxAttempts = RetrySettings.OFF.maxAttempts();

		/**
		 * Ceiling of the first wait; each retry doubles it, up to max-backoff, and the
		 * wait is drawn below it.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration initialBackoff = RetrySettings.DEFAULT_INITIAL_BACKOFF;

		/**
		 * Ceiling of any drawn wait; a provider's longer retry-after is still honoured,
		 * within the budget.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxBackoff = RetrySettings.DEFAULT_MAX_BACKOFF;

		/** Failure categories worth retrying on the same provider. */
		private Set<FailureCategory> retryOn = new LinkedHashSet<>(EnumSet.copyOf(RetrySettings.DEFAULT_ON));

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Set<FailureCategory> getRetryOn() {
			return this.retryOn;
		}

		public void setRetryOn(Set<FailureCategory> retryOn) {
			this.retryOn = retryOn;
		}

	}

	/** Rate limits of one provider, kept on our side. */
	public static class RateLimit {

		/**
		 * Requests a minute this provider takes; a request over it goes to the next
		 * provider unsent. 0: none.
		 */
		private int requestsPerMinute;

		/**
		 * Tokens a minute this provider takes, estimated from each request (prompt and
		 * max output) and corrected with the usage it reports; a request over it goes to
		 * the next provider unsent. 0: none.
		 */
		private long tokensPerMinute;

		/**
		 * Whether a 429 with retry-after keeps every request from this provider until
		 * then (60 s at most).
		 */
		private boolean respectRetryAfter = RateLimitSettings.DEFAULTS.respectRetryAfter();

		public int getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(int requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public boolean isRespectRetryAfter() {
			return this.respectRetryAfter;
		}

		public void setRespectRetryAfter(boolean respectRetryAfter) {
			this.respectRetryAfter = respectRetryAfter;
		}

	}

	/** Hedging of a chain's primary. */
	public static class Hedge {

		/**
		 * How long the primary may work before the next provider starts too: a duration
		 * (800ms), or a percentile of the primary's recent latency (p95, p99). Unset: no
		 * hedging.
		 */
		private @Nullable String after;

		/** Most hedges, as a share of the chain's requests over a rolling 10 s window. */
		private double maxShare = HedgeSettings.DEFAULT_MAX_SHARE;

		public @Nullable String getAfter() {
			return this.after;
		}

		public void setAfter(@Nullable String after) {
			this.after = after;
		}

		public double getMaxShare() {
			return this.maxShare;
		}

		public void setMaxShare(double maxShare) {
			this.maxShare = maxShare;
		}

	}

	/** A chain's streams, once their first chunk has reached the caller. */
	public static class Stream {

		/**
		 * What the caller of a stream cut after its first chunk gets: error (a typed
		 * error after the chunks sent), continue (the rest from the next provider that
		 * accepts a prefill), or restart (for callers that read the stream whole: chunks
		 * held until each attempt ends, a failure falls over).
		 */
		private StreamRecovery.OnInterruption onInterruption = StreamRecovery.DEFAULT.onInterruption();

		/**
		 * The most a continuation may take, within what is left of the latency budget.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration continuationBudget = StreamRecovery.DEFAULT_CONTINUATION_BUDGET;

		public StreamRecovery.OnInterruption getOnInterruption() {
			return this.onInterruption;
		}

		public void setOnInterruption(StreamRecovery.OnInterruption onInterruption) {
			this.onInterruption = onInterruption;
		}

		public Duration getContinuationBudget() {
			return this.continuationBudget;
		}

		public void setContinuationBudget(Duration continuationBudget) {
			this.continuationBudget = continuationBudget;
		}

	}

	/**
	 * How a provider rewrites a chain's request, so that another model meets the same
	 * expectations.
	 */
	public static class Adaptation {

		/** System prompt sent instead of the request's system messages. */
		private @Nullable String systemPromptReplacement;

		/**
		 * Text appended to the system prompt (e.g. "Answer in full; do not shorten.").
		 */
		private @Nullable String systemPromptAddendum;

		/** Temperature sent instead of the request's. */
		private @Nullable Double temperature;

		/**
		 * Request parameters this provider must not receive: temperature,
		 * response-format.
		 */
		private Set<RequestAdaptation.Parameter> drop = new LinkedHashSet<>();

		public @Nullable String getSystemPromptReplacement() {
			return this.systemPromptReplacement;
		}

		public void setSystemPromptReplacement(@Nullable String systemPromptReplacement) {
			this.systemPromptReplacement = systemPromptReplacement;
		}

		public @Nullable String getSystemPromptAddendum() {
			return this.systemPromptAddendum;
		}

		public void setSystemPromptAddendum(@Nullable String systemPromptAddendum) {
			this.systemPromptAddendum = systemPromptAddendum;
		}

		public @Nullable Double getTemperature() {
			return this.temperature;
		}

		public void setTemperature(@Nullable Double temperature) {
			this.temperature = temperature;
		}

		public Set<RequestAdaptation.Parameter> getDrop() {
			return this.drop;
		}

		public void setDrop(Set<RequestAdaptation.Parameter> drop) {
			this.drop = drop;
		}

	}

	/** Prices in USD per million tokens. */
	public static class Pricing {

		/** USD per million prompt tokens; set together with output-per-million-tokens. */
		private @Nullable BigDecimal inputPerMillionTokens;

		/**
		 * USD per million completion tokens; set together with input-per-million-tokens.
		 */
		private @Nullable BigDecimal outputPerMillionTokens;

		/**
		 * USD per million prompt tokens served from the provider's prompt cache; the
		 * input price when unset.
		 */
		private @Nullable BigDecimal cachedInputPerMillionTokens;

		public @Nullable BigDecimal getInputPerMillionTokens() {
			return this.inputPerMillionTokens;
		}

		public void setInputPerMillionTokens(@Nullable BigDecimal inputPerMillionTokens) {
			this.inputPerMillionTokens = inputPerMillionTokens;
		}

		public @Nullable BigDecimal getOutputPerMillionTokens() {
			return this.outputPerMillionTokens;
		}

		public void setOutputPerMillionTokens(@Nullable BigDecimal outputPerMillionTokens) {
			this.outputPerMillionTokens = outputPerMillionTokens;
		}

		public @Nullable BigDecimal getCachedInputPerMillionTokens() {
			return this.cachedInputPerMillionTokens;
		}

		public void setCachedInputPerMillionTokens(@Nullable BigDecimal cachedInputPerMillionTokens) {
			this.cachedInputPerMillionTokens = cachedInputPerMillionTokens;
		}

	}

	/**
	 * What a provider's model takes; a request that needs what it lacks skips the
	 * provider.
	 */
	public static class Capabilities {

		/**
		 * Whether the model takes tools; without, a request with tools or tool results
		 * skips the provider. Unset: the model's built-in capability.
		 */
		private @Nullable Boolean tools;

		/**
		 * Whether the model reads images; without, a request with images skips the
		 * provider. Unset: the model's built-in capability.
		 */
		private @Nullable Boolean images;

		/**
		 * Whether the API constrains answers to a JSON Schema (structured output). Unset:
		 * the model's built-in capability.
		 */
		private @Nullable Boolean jsonSchema;

		/**
		 * Most prompt tokens the model reads (at least 1); a request whose estimated
		 * prompt is larger skips the provider. Unset: the model's built-in window, or
		 * none for a model the list does not know.
		 */
		private @Nullable Integer contextWindow;

		public @Nullable Boolean getTools() {
			return this.tools;
		}

		public void setTools(@Nullable Boolean tools) {
			this.tools = tools;
		}

		public @Nullable Boolean getImages() {
			return this.images;
		}

		public void setImages(@Nullable Boolean images) {
			this.images = images;
		}

		public @Nullable Boolean getJsonSchema() {
			return this.jsonSchema;
		}

		public void setJsonSchema(@Nullable Boolean jsonSchema) {
			this.jsonSchema = jsonSchema;
		}

		public @Nullable Integer getContextWindow() {
			return this.contextWindow;
		}

		public void setContextWindow(@Nullable Integer contextWindow) {
			this.contextWindow = contextWindow;
		}

	}

	/** When a provider's circuit breaker opens, and for how long. */
	public static class CircuitBreaker {

		/** Consecutive failed calls that open the breaker. */
		private int failureThreshold = BreakerSettings.DEFAULTS.failureThreshold();

		/**
		 * Span the consecutive failures must fall in, from the first of them; at least
		 * 1s.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration failureWindow = BreakerSettings.DEFAULTS.failureWindow();

		/**
		 * How long an open breaker rejects calls before it turns half-open and lets one
		 * probe through.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration openDuration = BreakerSettings.DEFAULTS.openDuration();

		/**
		 * Whether output-contract violations count as failures towards opening a
		 * provider's breaker.
		 */
		private boolean countContractViolations = false;

		/**
		 * What opens a breaker: consecutive-failures, or failure-rate over a sliding
		 * window.
		 */
		private BreakerSettings.Rule rule = BreakerSettings.DEFAULT_RULE;

		/**
		 * Share of failed calls (above 0, at most 1) that opens the breaker, under the
		 * failure-rate rule.
		 */
		private double failureRateThreshold = BreakerSettings.DEFAULT_FAILURE_RATE_THRESHOLD;

		/**
		 * Time over which the failure rate is measured, in whole seconds (1s to 1h),
		 * under the failure-rate rule.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration slidingWindow = BreakerSettings.DEFAULT_SLIDING_WINDOW;

		/**
		 * Calls the sliding window must hold before the failure rate can open the
		 * breaker.
		 */
		private int minimumCalls = BreakerSettings.DEFAULT_MINIMUM_CALLS;

		public boolean isCountContractViolations() {
			return this.countContractViolations;
		}

		public void setCountContractViolations(boolean countContractViolations) {
			this.countContractViolations = countContractViolations;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getFailureWindow() {
			return this.failureWindow;
		}

		public void setFailureWindow(Duration failureWindow) {
			this.failureWindow = failureWindow;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

		public BreakerSettings.Rule getRule() {
			return this.rule;
		}

		public void setRule(BreakerSettings.Rule rule) {
			this.rule = rule;
		}

		public double getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(double failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public Duration getSlidingWindow() {
			return this.slidingWindow;
		}

		public void setSlidingWindow(Duration slidingWindow) {
			this.slidingWindow = slidingWindow;
		}

		public int getMinimumCalls() {
			return this.minimumCalls;
		}

		public void setMinimumCalls(int minimumCalls) {
			this.minimumCalls = minimumCalls;
		}

	}

	/**
	 * Per-provider overrides; unset fields take the defaults under
	 * llm.fallback.circuit-breaker.
	 */
	public static class CircuitBreakerOverrides {

		/** Failed calls that open this provider's breaker. */
		private @Nullable Integer failureThreshold;

		/** Sliding window the failures must fall in. */
		@DurationUnit(ChronoUnit.SECONDS)
		private @Nullable Duration failureWindow;

		/** How long this provider's breaker stays open. */
		@DurationUnit(ChronoUnit.SECONDS)
		private @Nullable Duration openDuration;

		/** What opens this provider's breaker: consecutive-failures or failure-rate. */
		private BreakerSettings.@Nullable Rule rule;

		/**
		 * Share of failed calls that opens this provider's breaker, under the
		 * failure-rate rule.
		 */
		private @Nullable Double failureRateThreshold;

		/**
		 * Time over which this provider's failure rate is measured, under the
		 * failure-rate rule.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private @Nullable Duration slidingWindow;

		/**
		 * Calls the sliding window must hold before this provider's failure rate can open
		 * its breaker.
		 */
		private @Nullable Integer minimumCalls;

		public @Nullable Integer getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(@Nullable Integer failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public @Nullable Duration getFailureWindow() {
			return this.failureWindow;
		}

		public void setFailureWindow(@Nullable Duration failureWindow) {
			this.failureWindow = failureWindow;
		}

		public @Nullable Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(@Nullable Duration openDuration) {
			this.openDuration = openDuration;
		}

		public BreakerSettings.@Nullable Rule getRule() {
			return this.rule;
		}

		public void setRule(BreakerSettings.@Nullable Rule rule) {
			this.rule = rule;
		}

		public @Nullable Double getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(@Nullable Double failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public @Nullable Duration getSlidingWindow() {
			return this.slidingWindow;
		}

		public void setSlidingWindow(@Nullable Duration slidingWindow) {
			this.slidingWindow = slidingWindow;
		}

		public @Nullable Integer getMinimumCalls() {
			return this.minimumCalls;
		}

		public void setMinimumCalls(@Nullable Integer minimumCalls) {
			this.minimumCalls = minimumCalls;
		}

	}

	/** An ordered list of providers that serve one kind of request. */
	public static class Chain {

		/** Provider names in order of priority; the first is the primary. */
		private List<String> providers = new ArrayList<>();

		/** Deadline for the whole logical request, every attempt included. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration latencyBudget = Duration.ofSeconds(60);

		/** Hard cap on output tokens whenever a non-primary provider is called. */
		private @Nullable Integer fallbackMaxTokens = 2048;

		/**
		 * Failure categories that move on to the next provider; any other failure ends
		 * the request.
		 */
		private Set<FailureCategory> fallbackOn = new LinkedHashSet<>(
				EnumSet.copyOf(ChainSettings.DEFAULT_FALLBACK_ON));

		/**
		 * What every answer of the chain must look like, whichever provider serves it.
		 */
		private OutputContract outputContract = new OutputContract();

		/**
		 * USD this chain may spend within the spend-guard window before fallbacks dearer
		 * than its primary stop.
		 */
		private @Nullable BigDecimal maxSpend;

		/**
		 * Whether a request that finds every provider's breaker open makes one
		 * last-resort attempt past the open breaker of the provider that has waited
		 * longest, at most one a second per provider, instead of failing without a call.
		 */
		private boolean lastResort = ChainSettings.DEFAULT_LAST_RESORT;

		/**
		 * Most provider calls one request makes, however retries, hedges and fallbacks
		 * combine. Unset: one per provider and one more.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Most retries, as a share of the chain's requests over a rolling 10 s window
		 * (plus one).
		 */
		private double retryBudget = ChainSettings.DEFAULT_RETRY_BUDGET;

		/**
		 * Hedging: the next provider starts when the primary is slow to answer. Off
		 * unless hedge.after is set.
		 */
		private Hedge hedge = new Hedge();

		/** What a stream that fails after its first chunk reached the caller comes to. */
		private Stream stream = new Stream();

		public Stream getStream() {
			return this.stream;
		}

		public void setStream(Stream stream) {
			this.stream = stream;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public double getRetryBudget() {
			return this.retryBudget;
		}

		public void setRetryBudget(double retryBudget) {
			this.retryBudget = retryBudget;
		}

		public Hedge getHedge() {
			return this.hedge;
		}

		public void setHedge(Hedge hedge) {
			this.hedge = hedge;
		}

		public @Nullable BigDecimal getMaxSpend() {
			return this.maxSpend;
		}

		public void setMaxSpend(@Nullable BigDecimal maxSpend) {
			this.maxSpend = maxSpend;
		}

		public OutputContract getOutputContract() {
			return this.outputContract;
		}

		public void setOutputContract(OutputContract outputContract) {
			this.outputContract = outputContract;
		}

		public List<String> getProviders() {
			return this.providers;
		}

		public void setProviders(List<String> providers) {
			this.providers = providers;
		}

		public Duration getLatencyBudget() {
			return this.latencyBudget;
		}

		public void setLatencyBudget(Duration latencyBudget) {
			this.latencyBudget = latencyBudget;
		}

		public @Nullable Integer getFallbackMaxTokens() {
			return this.fallbackMaxTokens;
		}

		public void setFallbackMaxTokens(@Nullable Integer fallbackMaxTokens) {
			this.fallbackMaxTokens = fallbackMaxTokens;
		}

		public Set<FailureCategory> getFallbackOn() {
			return this.fallbackOn;
		}

		public void setFallbackOn(Set<FailureCategory> fallbackOn) {
			this.fallbackOn = fallbackOn;
		}

		public boolean isLastResort() {
			return this.lastResort;
		}

		public void setLastResort(boolean lastResort) {
			this.lastResort = lastResort;
		}

	}

}
