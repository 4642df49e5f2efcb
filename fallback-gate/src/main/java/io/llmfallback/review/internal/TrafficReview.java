package io.llmfallback.review.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.llmfallback.chain.ChainListener;
import io.llmfallback.chain.ChainOutcome;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.cost.Pricing;
import io.llmfallback.gate.DimensionVerdict;
import io.llmfallback.gate.FallbackVerdict;
import io.llmfallback.gate.Verdict;
import io.llmfallback.gate.internal.FallbackJudge;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.review.CalibrationHint;
import io.llmfallback.review.FallbackReview;
import io.llmfallback.review.ProviderReview;
import io.llmfallback.review.ReviewReport;
import io.llmfallback.review.ReviewVerdict;
import io.llmfallback.window.internal.TimeBuckets;
import org.jspecify.annotations.Nullable;

/**
 * The periodic review of every chain from its live traffic (treat the chain like a
 * dependency, not a config file). As a {@link ChainListener} it keeps, per chain and per
 * provider, what the attempts did over a rolling window: answers and failures by
 * category, latency and served output length distributions, contract checks, tokens and
 * cost. {@link #report(String)} turns the window into the compatibility gate's figures,
 * judges every fallback against the primary with the gate's tolerances, and adds
 * calibration hints for provider timeouts, the chain's latency budget and the primary's
 * breaker failure window.
 * <p>
 * A window is {@value #SLICES} slices of a {@link TimeBuckets}; each slice holds one
 * tally per provider with two fixed-size histograms, so memory does not grow with
 * traffic. Percentiles are read from the histograms: within about 3% above the value
 * measured.
 */
public final class TrafficReview implements ChainListener {

	/**
	 * How many slices a window is cut into: it rolls forward a slice at a time, an hour
	 * over a day.
	 */
	public static final int SLICES = 24;

	private final ReviewSettings settings;

	private final Clock clock;

	private final FallbackJudge judge;

	private final Map<String, LlmProvider> providers = new LinkedHashMap<>();

	private final Map<String, BreakerSettings> breakers;

	private final Set<String> priced;

	private final Map<String, Reviewed> chains = new LinkedHashMap<>();

	/**
	 * @param chains the chains to review
	 * @param providers every provider the chains name, for their models and timeouts
	 * @param breakers breaker settings by provider; a provider without any gets no
	 * breaker hint
	 * @param pricing prices by provider; a provider without one is reported as not
	 * priced, as by the gate
	 * @param settings the window, the minimum of samples and the tolerances
	 * @param clock the clock the window rolls with
	 * @throws IllegalArgumentException when a chain names a provider that is not given
	 */
	public TrafficReview(Collection<ChainSettings> chains, Collection<LlmProvider> providers,
			Map<String, BreakerSettings> breakers, Map<String, Pricing> pricing, ReviewSettings settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
		this.judge = new FallbackJudge(settings.tolerances());
		providers.forEach((provider) -> this.providers.put(provider.name(), provider));
		this.breakers = Map.copyOf(breakers);
		this.priced = Set.copyOf(pricing.keySet());
		for (ChainSettings chain : chains) {
			for (String provider : chain.providers()) {
				if (!this.providers.containsKey(provider)) {
					throw new IllegalArgumentException(
							"Chain '" + chain.name() + "' names provider '" + provider + "', which is not reviewed");
				}
			}
			int size = chain.providers().size();
			this.chains.put(chain.name(), new Reviewed(chain,
					new TimeBuckets<>(settings.window(), SLICES, clock, () -> new ChainTally(size))));
		}
	}

	@Override
	public void onOutcome(ChainOutcome outcome) {
		Reviewed chain = this.chains.get(outcome.chain());
		if (chain != null) {
			long now = this.clock.millis();
			chain.window().record((tally) -> tally.record(outcome, now));
		}
	}

	/**
	 * The chain's review over the window now.
	 * @throws IllegalArgumentException for a chain that is not reviewed
	 */
	public ReviewReport report(String chain) {
		Reviewed reviewed = this.chains.get(chain);
		if (reviewed == null) {
			throw new IllegalArgumentException("No chain named '" + chain + "'");
		}
		int minSamples = this.settings.minSamples();
		ChainTally window = reviewed.sum();
		List<String> names = reviewed.settings().providers();
		List<ProviderReview> reviews = new ArrayList<>(names.size());
		List<Long> timeoutsMs = new ArrayList<>(names.size());
		for (int index = 0; index < names.size(); index++) {
			LlmProvider provider = provider(names.get(index));
			reviews.add(window.provider(index)
				.review(provider.name(), provider.model(), index == 0, this.priced.contains(provider.name()),
						minSamples));
			timeoutsMs.add(provider.timeout().toMillis());
		}
		ProviderReview primary = reviews.get(0);
		List<ProviderReview> fallbacks = reviews.subList(1, reviews.size());
		List<String> findings = new ArrayList<>();
		if (primary.sufficientData() && primary.stats().successes() == 0) {
			findings.add(primary.provider() + " (primary) answered none of its " + primary.stats().calls()
					+ " calls in the window: there is no baseline to compare the fallbacks with");
		}
		List<FallbackReview> verdicts = new ArrayList<>(fallbacks.size());
		for (ProviderReview fallback : fallbacks) {
			FallbackReview verdict = judge(primary, fallback);
			verdicts.add(verdict);
			verdict.dimensions()
				.stream()
				.filter(DimensionVerdict::failsGate)
				.forEach((failure) -> findings.add(failure.summary()));
		}
		ReviewVerdict overall = findings.isEmpty() ? verdicts.stream()
			.map(FallbackReview::verdict)
			.filter((verdict) -> verdict == ReviewVerdict.INSUFFICIENT_DATA)
			.findFirst()
			.orElse(ReviewVerdict.PASS) : ReviewVerdict.FAIL;
		List<CalibrationHint> hints = CalibrationHints.of(reviewed.settings(), reviews, timeoutsMs,
				this.breakers.get(primary.provider()), callGapAcrossChains(primary.provider()), minSamples);
		return new ReviewReport(chain, Instant.now(this.clock).truncatedTo(ChronoUnit.MILLIS).toString(),
				this.settings.window().toMillis(), minSamples, window.requests(), window.fallbackActivations(),
				window.failures(),
				(window.requests() > 0) ? (double) window.fallbackActivations() / window.requests() : null,
				this.settings.tolerances(), overall, findings, primary, fallbacks, verdicts, hints);
	}

	private FallbackReview judge(ProviderReview primary, ProviderReview fallback) {
		String provider = fallback.provider();
		int minSamples = this.settings.minSamples();
		if (!primary.sufficientData()) {
			return insufficient(provider, primary.provider() + " (primary) made " + primary.stats().calls()
					+ " calls in the window, fewer than " + minSamples);
		}
		if (!fallback.sufficientData()) {
			return insufficient(provider,
					provider + " made " + fallback.stats().calls() + " calls in the window, fewer than " + minSamples);
		}
		FallbackVerdict verdict = this.judge.judge(primary.stats(), fallback.stats());
		if (verdict.verdict() == Verdict.FAIL) {
			return new FallbackReview(provider, ReviewVerdict.FAIL,
					provider + ": beyond tolerance of " + primary.provider() + " (primary) on "
							+ verdict.failures()
								.stream()
								.map((failure) -> failure.dimension().label())
								.collect(Collectors.joining(", ")),
					verdict.dimensions());
		}
		return new FallbackReview(provider, ReviewVerdict.PASS,
				provider + ": within tolerance of " + primary.provider() + " (primary) on every enforced dimension",
				verdict.dimensions());
	}

	private static FallbackReview insufficient(String provider, String why) {
		return new FallbackReview(provider, ReviewVerdict.INSUFFICIENT_DATA, provider + ": insufficient data: " + why,
				List.of());
	}

	/**
	 * The mean time between two calls to the provider from every chain that calls it: its
	 * breaker counts them all. {@code null} on fewer calls than the minimum of samples.
	 */
	private @Nullable Double callGapAcrossChains(String provider) {
		ProviderTally calls = new ProviderTally();
		for (Reviewed reviewed : this.chains.values()) {
			int index = reviewed.settings().providers().indexOf(provider);
			if (index >= 0) {
				calls.add(reviewed.sum().provider(index));
			}
		}
		return (calls.calls() >= this.settings.minSamples()) ? calls.meanCallGapMillis() : null;
	}

	/** One chain's settings and its window. */
	private record Reviewed(ChainSettings settings, TimeBuckets<ChainTally> window) {

		/** The live slices added up. */
		ChainTally sum() {
			ChainTally sum = new ChainTally(this.settings.providers().size());
			this.window.forEachLive(sum::add);
			return sum;
		}

	}

	/** A provider of a reviewed chain, which the constructor made sure is known. */
	private LlmProvider provider(String name) {
		LlmProvider provider = this.providers.get(name);
		if (provider == null) {
			throw new IllegalStateException("No provider '" + name + "'");
		}
		return provider;
	}

}
