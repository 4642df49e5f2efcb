package io.llmfallback.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.llmfallback.chain.ChainStatistics;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.ProviderCircuitBreakers;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.LlmProviders;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/llmfallback}: providers with their breaker state, chains with their providers and
 * request counts; {@code /actuator/llmfallback/{chain}} for one chain. API keys are never part of it.
 */
@Endpoint(id = "llmfallback")
public class LlmFallbackEndpoint {

	private final LlmProviders providers;

	private final FallbackChains chains;

	private final ProviderCircuitBreakers breakers;

	private final ChainStatistics statistics;

	public LlmFallbackEndpoint(LlmProviders providers, FallbackChains chains, ProviderCircuitBreakers breakers,
			ChainStatistics statistics) {
		this.providers = providers;
		this.chains = chains;
		this.breakers = breakers;
		this.statistics = statistics;
	}

	@ReadOperation
	public LlmFallbackReport report() {
		Map<String, ProviderReport> providers = new LinkedHashMap<>();
		for (LlmProvider provider : this.providers.all()) {
			providers.put(provider.name(), new ProviderReport(provider.type().wireName(), provider.model(),
					this.breakers.state(provider.name()).name(), provider.timeout().toMillis(), provider.maxTokens()));
		}
		Map<String, ChainReport> chains = new LinkedHashMap<>();
		this.chains.all().forEach((chain) -> chains.put(chain.name(), chainReport(chain)));
		return new LlmFallbackReport(providers, chains, List.of());
	}

	@ReadOperation
	public @Nullable ChainReport chain(@Selector String chain) {
		return this.chains.all()
			.stream()
			.filter((candidate) -> candidate.name().equals(chain))
			.findFirst()
			.map(this::chainReport)
			.orElse(null);
	}

	private ChainReport chainReport(FallbackChain chain) {
		ChainStatistics.Snapshot counts = this.statistics.snapshot(chain.name());
		return new ChainReport(chain.providers().stream().map(LlmProvider::name).toList(), counts.requests(),
				counts.fallbackActivations(),
				(counts.requests() == 0) ? 0.0 : (double) counts.fallbackActivations() / counts.requests(), counts.failures(),
				chain.settings().latencyBudget().toMillis(), chain.settings().fallbackMaxTokens(),
				chain.settings().fallbackOn().stream().sorted().map(FailureCategory::wireName).toList());
	}

	/**
	 * The whole report.
	 *
	 * @param providers every provider by name
	 * @param chains every chain by name
	 * @param alerts alert states (filled by the signal evaluation)
	 */
	public record LlmFallbackReport(Map<String, ProviderReport> providers, Map<String, ChainReport> chains,
			List<Map<String, Object>> alerts) {

	}

	/**
	 * One provider.
	 *
	 * @param type wire protocol
	 * @param model configured model
	 * @param circuitBreaker CLOSED, OPEN or HALF_OPEN
	 * @param timeoutMs per-attempt ceiling
	 * @param maxTokens default output-token cap
	 */
	public record ProviderReport(String type, String model, String circuitBreaker, long timeoutMs, int maxTokens) {

	}

	/**
	 * One chain.
	 *
	 * @param providers provider names, primary first
	 * @param requests logical requests since start
	 * @param fallbackActivations requests a non-primary provider served
	 * @param activationRate fallbackActivations / requests
	 * @param failures requests that ended without a response
	 * @param latencyBudgetMs the chain's deadline
	 * @param fallbackMaxTokens output cap on non-primary attempts
	 * @param fallbackOn categories that move on
	 */
	public record ChainReport(List<String> providers, long requests, long fallbackActivations, double activationRate,
			long failures, long latencyBudgetMs, @Nullable Integer fallbackMaxTokens, List<String> fallbackOn) {

	}

}
