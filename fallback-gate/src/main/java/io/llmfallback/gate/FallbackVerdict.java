package io.llmfallback.gate;

import java.util.List;
import java.util.Optional;

/**
 * One fallback judged against the primary.
 *
 * @param provider the fallback's configured name
 * @param verdict {@code PASS} unless an enforced dimension is {@code FAIL}
 * @param dimensions one verdict per dimension, in {@link GateDimension} order
 */
public record FallbackVerdict(String provider, Verdict verdict, List<DimensionVerdict> dimensions) {

	public FallbackVerdict {
		dimensions = List.copyOf(dimensions);
	}

	/** The verdict on one dimension. */
	public DimensionVerdict dimension(GateDimension dimension) {
		Optional<DimensionVerdict> found = this.dimensions.stream()
			.filter((candidate) -> candidate.dimension() == dimension)
			.findFirst();
		return found.orElseThrow(() -> new IllegalArgumentException("No verdict on " + dimension.wireName()));
	}

	/** The enforced dimensions beyond tolerance. */
	public List<DimensionVerdict> failures() {
		return this.dimensions.stream().filter(DimensionVerdict::failsGate).toList();
	}

}
