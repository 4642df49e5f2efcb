package io.llmfallback.review.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.gate.Distribution;
import io.llmfallback.review.CalibrationHint.Kind;
import io.llmfallback.review.CalibrationHint;
import io.llmfallback.review.ProviderReview;
import org.jspecify.annotations.Nullable;

/**
 * The settings a chain's traffic suggests calibrating. Each rule fires only on figures
 * from at least the minimum of samples, and only when the setting is clearly off, so that
 * a hint is worth acting on.
 */
final class CalibrationHints {

	private static final long TIMEOUT_STEP_MS = 100;

	private static final long WINDOW_STEP_MS = 1000;

	private CalibrationHints() {
	}

	/**
	 * @param chain the chain's settings
	 * @param providers the chain's providers' figures, primary first
	 * @param timeoutsMs the providers' timeouts, in the same order
	 * @param primaryBreaker the primary's breaker settings, or {@code null} when unknown
	 * @param primaryCallGapMs the mean time between two calls to the primary, from every
	 * chain, or {@code null} on fewer than the minimum of samples
	 * @param minSamples the answers a latency figure needs
	 */
	static List<CalibrationHint> of(ChainSettings chain, List<ProviderReview> providers, List<Long> timeoutsMs,
			@Nullable BreakerSettings primaryBreaker, @Nullable Double primaryCallGapMs, int minSamples) {
		List<CalibrationHint> hints = new ArrayList<>();
		for (int index = 0; index < providers.size(); index++) {
			String next = (index + 1 < providers.size()) ? providers.get(index + 1).provider() + " is tried"
					: "the chain fails";
			CalibrationHint hint = timeout(providers.get(index), timeoutsMs.get(index), next, minSamples);
			if (hint != null) {
				hints.add(hint);
			}
		}
		String primary = providers.get(0).provider();
		long primaryTimeoutMs = timeoutsMs.get(0);
		CalibrationHint budget = budget(chain, primary, primaryTimeoutMs, providers.subList(1, providers.size()),
				minSamples);
		if (budget != null) {
			hints.add(budget);
		}
		if (primaryBreaker != null && primaryCallGapMs != null) {
			CalibrationHint window = failureWindow(primary, primaryTimeoutMs, primaryBreaker, primaryCallGapMs);
			if (window != null) {
				hints.add(window);
			}
		}
		return hints;
	}

	/**
	 * A timeout should sit between 1.5 and 3 times the p99 of the provider's answers. Far
	 * above, a hung provider holds every request that long before anything else happens;
	 * below 1.5 times, the slowest healthy answers are cut off, and since a cut answer is
	 * a timeout, not an answer, the p99 understates the tail. Either way the suggestion
	 * is 1.5 times the p99, rounded up to 100 ms.
	 */
	private static @Nullable CalibrationHint timeout(ProviderReview review, long timeoutMs, String next,
			int minSamples) {
		Double p99 = review.latencyP99Ms();
		if (p99 == null || review.stats().successes() < minSamples) {
			return null;
		}
		// Histogram percentiles are whole milliseconds.
		long observed = p99.longValue();
		long suggested = roundUp((observed * 3 + 1) / 2, TIMEOUT_STEP_MS);
		String provider = review.provider();
		String reason;
		if (timeoutMs > 3 * observed && suggested < timeoutMs) {
			reason = format("%s answers 99%% of calls within %d ms but its timeout is %d ms: while it hangs, every "
					+ "request waits that long before %s", provider, observed, timeoutMs, next);
		}
		else if (2 * timeoutMs < 3 * observed) {
			reason = format(
					"%s's timeout of %d ms is less than 1.5 times the %d ms p99 of its answers: slow healthy "
							+ "answers are cut off as timeouts, and being cut, they do not show in the p99",
					provider, timeoutMs, observed);
		}
		else {
			return null;
		}
		return new CalibrationHint(Kind.PROVIDER_TIMEOUT, "llm.fallback.providers." + provider + ".timeout",
				provider + " p99 latency", observed, timeoutMs, suggested, reason);
	}

	/**
	 * When the primary hangs, a fallback only starts once the primary's timeout has
	 * passed; a budget that cannot hold that timeout and a fallback's p95 leaves the
	 * fallback too little time to answer. Judged on the slowest fallback with enough
	 * answers; the suggestion is their sum, rounded up to 100 ms.
	 */
	private static @Nullable CalibrationHint budget(ChainSettings chain, String primary, long primaryTimeoutMs,
			List<ProviderReview> fallbacks, int minSamples) {
		ProviderReview slowest = null;
		long slowestP95 = 0;
		for (ProviderReview fallback : fallbacks) {
			Distribution latency = fallback.stats().latencyMs();
			if (latency != null && fallback.stats().successes() >= minSamples && latency.p95() > slowestP95) {
				slowest = fallback;
				slowestP95 = (long) latency.p95();
			}
		}
		long budgetMs = chain.latencyBudget().toMillis();
		if (slowest == null || primaryTimeoutMs + slowestP95 <= budgetMs) {
			return null;
		}
		return new CalibrationHint(Kind.LATENCY_BUDGET, "llm.fallback.chains." + chain.name() + ".latency-budget",
				slowest.provider() + " p95 latency", slowestP95, budgetMs,
				roundUp(primaryTimeoutMs + slowestP95, TIMEOUT_STEP_MS),
				format("when %s hangs for its %d ms timeout, %d ms of the %d ms budget are left, less than the %d ms "
						+ "%s takes at p95: raise the budget or lower %s's timeout", primary, primaryTimeoutMs,
						Math.max(0, budgetMs - primaryTimeoutMs), budgetMs, slowestP95, slowest.provider(), primary));
	}

	/**
	 * A breaker opens on {@code failure-threshold} failures in a row within
	 * {@code failure-window} of the first one's end, and a streak is cleared when a call
	 * starts after that. Calls that hang end a timeout after they start, so at the
	 * window's average pace, when {@code threshold - 1} gaps between calls are longer
	 * than the window plus the timeout, even a primary that hangs on every call never
	 * opens its breaker and every request pays its timeout. The suggestion makes the
	 * window hold those gaps, rounded up to a second: enough for failures that end at
	 * once, too.
	 */
	private static @Nullable CalibrationHint failureWindow(String primary, long timeoutMs, BreakerSettings breaker,
			double callGapMs) {
		int threshold = breaker.failureThreshold();
		long span = (long) Math.ceil((threshold - 1) * callGapMs);
		long windowMs = breaker.failureWindow().toMillis();
		// A failure-rate breaker has no streak to span: it opens on a share of whatever
		// calls its window holds.
		if (breaker.rule() != BreakerSettings.Rule.CONSECUTIVE_FAILURES || threshold < 2
				|| span <= windowMs + timeoutMs) {
			return null;
		}
		return new CalibrationHint(Kind.BREAKER_FAILURE_WINDOW,
				"llm.fallback.providers." + primary + ".circuit-breaker.failure-window",
				"span of " + threshold + " consecutive " + primary + " calls", span, windowMs,
				roundUp(span, WINDOW_STEP_MS),
				format("at the window's average pace of one %s call every %d ms, %d failures in a row span %d ms, more "
						+ "than the %d ms failure window plus the %d ms timeout: even a %s that hangs on every call "
						+ "never opens its breaker, and every request waits out the timeout", primary,
						Math.round(callGapMs), threshold, span, windowMs, timeoutMs, primary));
	}

	private static long roundUp(long millis, long step) {
		return Math.max(step, (millis + step - 1) / step * step);
	}

	private static String format(String format, Object... arguments) {
		return String.format(Locale.ROOT, format, arguments);
	}

}
