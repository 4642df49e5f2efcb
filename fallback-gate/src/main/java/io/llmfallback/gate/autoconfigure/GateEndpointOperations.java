package io.llmfallback.gate.autoconfigure;

import io.llmfallback.actuate.internal.LlmFallbackGateOperations;
import io.llmfallback.gate.internal.ChainGates;
import io.llmfallback.gate.internal.GateRunInProgressException;
import io.llmfallback.review.ReviewReport;
import io.llmfallback.review.internal.TrafficReview;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The gate run and the review on {@code /actuator/llmfallback}: the run answers the
 * report, 400 for a chain without a corpus, and 409 while a run of the same chain is in
 * progress, naming it.
 */
final class GateEndpointOperations implements LlmFallbackGateOperations {

	private static final int STATUS_CONFLICT = 409;

	private final ChainGates gates;

	private final TrafficReview review;

	GateEndpointOperations(ChainGates gates, TrafficReview review) {
		this.gates = gates;
		this.review = review;
	}

	@Override
	public Mono<WebEndpointResponse<Object>> runGate(String chain) {
		if (!this.gates.hasCorpus(chain)) {
			return Mono.error(new InvalidEndpointRequestException(
					"Chain '" + chain + "' has no llm.fallback.chains." + chain + ".gate-corpus", "No gate corpus"));
		}
		return this.gates.run(chain)
			.map((report) -> new WebEndpointResponse<Object>(report))
			.onErrorResume(GateRunInProgressException.class,
					(ex) -> Mono.just(new WebEndpointResponse<>(
							new GateConflict(ex.getMessage(), ex.chain(), ex.startedAt().toString()),
							STATUS_CONFLICT)));
	}

	@Override
	public ReviewReport review(String chain) {
		return this.review.report(chain);
	}

	/**
	 * The answer to a gate run refused because one of the same chain is in progress.
	 *
	 * @param error what happened
	 * @param chain the chain
	 * @param runInProgressSince when the run in progress started
	 */
	public record GateConflict(String error, String chain, String runInProgressSince) {

	}

}
