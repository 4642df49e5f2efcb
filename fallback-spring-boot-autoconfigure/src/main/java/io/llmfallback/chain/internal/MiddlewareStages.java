package io.llmfallback.chain.internal;

import java.util.List;

import io.llmfallback.chain.ChainMiddleware;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A chain's middleware, by stage: request-stage once per request, attempt-stage before
 * every attempt, response-stage once on the served response; each evaluation counted on
 * the request.
 */
final class MiddlewareStages {

	private final List<ChainMiddleware> request;

	private final List<ChainMiddleware> attempt;

	private final List<ChainMiddleware> response;

	MiddlewareStages(ChainExtensions extensions) {
		this.request = extensions.at(ChainMiddleware.Stage.REQUEST);
		this.attempt = extensions.at(ChainMiddleware.Stage.ATTEMPT);
		this.response = extensions.at(ChainMiddleware.Stage.RESPONSE);
	}

	/** Whether response middleware rewrites the served answer. */
	boolean rewritesResponses() {
		return !this.response.isEmpty();
	}

	Mono<ChatRequest> onRequest(ChatRequest request, RequestRun run) {
		return apply(request, this.request, run);
	}

	Mono<ChatRequest> onAttempt(ChatRequest request, RequestRun run) {
		return apply(request, this.attempt, run);
	}

	private static Mono<ChatRequest> apply(ChatRequest request, List<ChainMiddleware> middleware, RequestRun run) {
		if (middleware.isEmpty()) {
			return Mono.just(request);
		}
		return Flux.fromIterable(middleware).reduce(Mono.just(request), (result, next) -> result.flatMap((current) -> {
			run.evaluated(next.stage());
			return next.onRequest(current);
		})).flatMap((result) -> result);
	}

	Mono<ChainResponse> onResponse(ChainResponse served, RequestRun run) {
		if (this.response.isEmpty()) {
			return Mono.just(served);
		}
		Mono<ChatResponse> response = Mono.just(served.response());
		for (ChainMiddleware middleware : this.response) {
			response = response.flatMap((current) -> {
				run.evaluated(ChainMiddleware.Stage.RESPONSE);
				return middleware.onResponse(current);
			});
		}
		return response.map((rewritten) -> new ChainResponse(rewritten, served.chain(), served.operation(),
				served.attempts(), served.contractViolations(), entityOf(rewritten, served, run)));
	}

	/**
	 * The typed result of a rewritten answer: mapped again when response middleware
	 * changed the text, so that a redaction reaches the record as well as the text.
	 * @throws IllegalStateException when the rewritten text no longer maps: the
	 * middleware broke the answer
	 */
	private static @Nullable Object entityOf(ChatResponse rewritten, ChainResponse served, RequestRun run) {
		if (run.mapping == null || rewritten.text().equals(served.text())) {
			return served.entity();
		}
		ResultMapping.Mapped<?> mapped = run.mapping.map(rewritten.text());
		if (mapped.value() == null) {
			throw new IllegalStateException("Response middleware of chain '" + served.chain()
					+ "' rewrote the answer so that it no longer maps: " + mapped.check().violations());
		}
		return mapped.value();
	}

}
