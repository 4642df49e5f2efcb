package io.llmfallback.actuate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.llmfallback.actuate.internal.LlmFallbackGateOperations;
import io.llmfallback.actuate.internal.LlmFallbackStatus;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.HedgeSettings;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.observe.Alert;
import io.llmfallback.observe.internal.ChainSignalSnapshot;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.validation.internal.FallbackValidation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/llmfallback}: providers with their breaker state and guard (calls in
 * flight against {@code max-concurrency}, the slow-call threshold in force, a
 * {@code retry-after} in force), chains with their settings and their six signals over
 * their rolling windows, and every alert with its value, threshold and whether it fires;
 * {@code /actuator/llmfallback/{chain}} for one chain, and {@code POST} on it to run the
 * chain's compatibility gate; {@code /actuator/llmfallback/{chain}/review} for the
 * chain's periodic review from its live traffic. The gate run, the review and each
 * chain's {@code fallbackValidation} come from the fallback-gate module: without it the
 * two operations answer 404 and no chain has a validation. Reading the chains evaluates
 * the alerts. API keys are never part of it.
 * <p>
 * Access is read-only unless granted
 * ({@code management.endpoint.llmfallback.access=unrestricted}): the write operation
 * replays a corpus through real, billed providers, so exposing the endpoint must not open
 * it.
 */
@Endpoint(id = "llmfallback", defaultAccess = Access.READ_ONLY)
public class LlmFallbackEndpoint {

	private static final String REVIEW = "review";

	private final LlmFallbackStatus status;

	private final @Nullable LlmFallbackGateOperations gate;

	/**
	 * @param status what the endpoint reports
	 * @param gate the gate run and the review, {@code null} without the fallback-gate
	 * module
	 */
	public LlmFallbackEndpoint(LlmFallbackStatus status, @Nullable LlmFallbackGateOperations gate) {
		this.status = status;
		this.gate = gate;
	}

	/**
	 * {@code POST /actuator/llmfallback/{chain}}: runs the chain's compatibility gate on
	 * its configured corpus (every call is billed by the providers) and answers the
	 * report; 404 without the fallback-gate module.
	 */
	@WriteOperation
	public Mono<WebEndpointResponse<Object>> gate(@Selector String chain) {
		if (this.status.chain(chain) == null) {
			return Mono.error(new InvalidEndpointRequestException("No chain named '" + chain + "'", "Unknown chain"));
		}
		if (this.gate == null) {
			return Mono.just(new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
		}
		return this.gate.runGate(chain);
	}

	@ReadOperation
	public LlmFallbackReport report() {
		List<Alert> alerts = this.status.evaluateAlerts();
		Map<String, ProviderReport> providers = new LinkedHashMap<>();
		for (LlmProvider provider : this.status.providers()) {
			String name = provider.name();
			Duration limitedFor = this.status.limitedFor(name);
			providers.put(name,
					new ProviderReport(provider.type().wireName(), provider.model(),
							this.status.breakerState(name).name(), provider.timeout().toMillis(), provider.maxTokens(),
							this.status.inFlight(name), this.status.maxConcurrency(name),
							this.status.slowCallThreshold(name).toMillis(),
							(limitedFor != null) ? limitedFor.toMillis() : null));
		}
		Map<String, ChainReport> chains = new LinkedHashMap<>();
		this.status.chains().forEach((chain) -> chains.put(chain.name(), chainReport(chain, alerts)));
		return new LlmFallbackReport(providers, chains, alerts);
	}

	@ReadOperation
	public @Nullable ChainReport chain(@Selector String chain) {
		List<Alert> alerts = this.status.evaluateAlerts();
		FallbackChain found = this.status.chain(chain);
		return (found != null) ? chainReport(found, alerts) : null;
	}

	/**
	 * {@code GET /actuator/llmfallback/{chain}/review}: the chain's periodic review over
	 * the review window of its live traffic. {@code null}, which answers 404, for an
	 * unknown chain, any other second segment, or without the fallback-gate module.
	 */
	@ReadOperation
	public @Nullable Object review(@Selector String chain, @Selector String section) {
		if (!REVIEW.equals(section) || this.status.chain(chain) == null || this.gate == null) {
			return null;
		}
		return this.gate.review(chain);
	}

	private ChainReport chainReport(FallbackChain chain, List<Alert> alerts) {
		String name = chain.name();
		ChainSignalSnapshot signals = this.status.signals(name);
		Map<String, @Nullable Double> deltaByOperation = new TreeMap<>();
		signals.operations().forEach((operation, lengths) -> deltaByOperation.put(operation, lengths.delta()));
		return new ChainReport(chain.providers().stream().map(LlmProvider::name).toList(), signals.windowRequests(),
				signals.windowFallbackActivations(), signals.activationRate(), signals.primaryP95Ms(),
				signals.fallbackP95Ms(), signals.outputLengthDelta(), deltaByOperation,
				signals.blendedCostPerRequestUsd(), signals, this.status.totals(name), configuration(chain.settings()),
				new SpendReport(this.status.spent(name), this.status.spendLimit(name), this.status.spendLimited(name)),
				(chain.providers().size() > 1) ? this.status.validation(name) : null,
				alerts.stream().filter((alert) -> Objects.equals(alert.chain(), name)).toList());
	}

	private static ChainConfiguration configuration(ChainSettings settings) {
		HedgeSettings hedge = settings.hedge();
		String after = (hedge.after() != null) ? hedge.after().toMillis() + "ms" : hedge.enabled()
				? "p" + BigDecimal.valueOf(hedge.afterPercentile()).stripTrailingZeros().toPlainString() : null;
		return new ChainConfiguration(settings.latencyBudget().toMillis(), settings.fallbackMaxTokens(),
				settings.fallbackOn().stream().sorted().map(FailureCategory::wireName).toList(), settings.maxAttempts(),
				settings.retryBudget(), new HedgeReport(after, hedge.maxShare()));
	}

	/**
	 * The whole report.
	 *
	 * @param providers every provider by name
	 * @param chains every chain by name
	 * @param alerts every alert, firing or not
	 */
	public record LlmFallbackReport(Map<String, ProviderReport> providers, Map<String, ChainReport> chains,
			List<Alert> alerts) {

	}

	/**
	 * One provider.
	 *
	 * @param type wire protocol
	 * @param model configured model
	 * @param circuitBreaker CLOSED, OPEN or HALF_OPEN
	 * @param timeoutMs per-attempt ceiling
	 * @param maxTokens default output-token cap
	 * @param inFlight calls in flight now
	 * @param maxConcurrency the most calls in flight; one more goes to the next provider
	 * @param slowCallThresholdMs age past which a call in flight is slow now, configured
	 * or derived
	 * @param limitedForMs how long the {@code retry-after} of the provider's last 429
	 * still keeps requests from it, or {@code null} when it does not
	 */
	public record ProviderReport(String type, String model, String circuitBreaker, long timeoutMs, int maxTokens,
			int inFlight, int maxConcurrency, long slowCallThresholdMs, @Nullable Long limitedForMs) {

	}

	/**
	 * One chain. The headline figures come first; {@code signals} has every signal with
	 * its parts.
	 *
	 * @param providers provider names, primary first
	 * @param requests logical requests in the activation-rate window
	 * @param fallbackActivations of those, the ones a fallback served
	 * @param activationRate fallbackActivations / requests
	 * @param primaryP95Ms primary-path P95 latency
	 * @param fallbackP95Ms fallback-path P95 latency
	 * @param outputLengthDelta relative difference of mean output length, fallback vs
	 * primary, of the operation whose difference has the largest magnitude (the one the
	 * alert names), among those with {@code min-requests} served requests in the window
	 * if any
	 * @param outputLengthDeltaByOperation the same difference for each operation,
	 * {@code null} for one that a fallback or the primary did not serve in the window
	 * @param blendedCostPerRequestUsd recent cost per logical request, failed billed
	 * attempts included
	 * @param signals every signal of the chain
	 * @param totals counts since start
	 * @param settings how the chain is configured
	 * @param spend what the chain spent in the spend-guard window, and whether dearer
	 * fallbacks are stopped
	 * @param fallbackValidation whether the chain's latest compatibility gate run passed,
	 * failed, or none ran ({@code unvalidated}); {@code null} for a chain without
	 * fallbacks, and for every chain without the fallback-gate module
	 * @param alerts the chain's alerts
	 */
	public record ChainReport(List<String> providers, long requests, long fallbackActivations,
			@Nullable Double activationRate, @Nullable Double primaryP95Ms, @Nullable Double fallbackP95Ms,
			@Nullable Double outputLengthDelta, Map<String, @Nullable Double> outputLengthDeltaByOperation,
			@Nullable BigDecimal blendedCostPerRequestUsd, ChainSignalSnapshot signals, ChainStatistics.Snapshot totals,
			ChainConfiguration settings, SpendReport spend, @Nullable FallbackValidation fallbackValidation,
			List<Alert> alerts) {

	}

	/**
	 * A chain's spend against its limit.
	 *
	 * @param windowSpendUsd spent within the spend-guard window (chains with a limit of
	 * their own)
	 * @param limitUsd the chain's own limit, or {@code null}
	 * @param limited whether fallbacks dearer than the primary are stopped now (chain or
	 * global limit)
	 */
	public record SpendReport(BigDecimal windowSpendUsd, @Nullable BigDecimal limitUsd, boolean limited) {

	}

	/**
	 * A chain's settings.
	 *
	 * @param latencyBudgetMs the chain's deadline
	 * @param fallbackMaxTokens output cap on non-primary attempts
	 * @param fallbackOn categories that move on
	 * @param maxAttempts the most provider calls one request makes
	 * @param retryBudget the most retries, as a share of the chain's requests
	 * @param hedge when the next provider starts while the primary still works
	 */
	public record ChainConfiguration(long latencyBudgetMs, @Nullable Integer fallbackMaxTokens, List<String> fallbackOn,
			int maxAttempts, double retryBudget, HedgeReport hedge) {

	}

	/**
	 * A chain's hedging.
	 *
	 * @param after how long the primary works before the next provider starts too:
	 * {@code 800ms}, or a percentile of its recent latency ({@code p95}); {@code null}
	 * when hedging is off
	 * @param maxShare the most hedges, as a share of the chain's requests
	 */
	public record HedgeReport(@Nullable String after, double maxShare) {

	}

}
