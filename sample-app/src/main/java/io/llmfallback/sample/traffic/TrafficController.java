package io.llmfallback.sample.traffic;

import java.math.BigDecimal;
import java.time.Duration;

import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.sample.chat.ChatService;
import io.llmfallback.sample.simulator.SimulatedProvidersInitializer;
import io.llmfallback.test.TrafficPrompts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /simulator/traffic} with
 * {@code {"chain":"default","requests":200,"concurrency":8}}: sends that many requests
 * through the chain, as {@code POST /chat/{chain}} does (through the {@code @LlmFallback}
 * {@link ChatService}, so they count as its {@code chat} operation), and answers with a
 * {@link TrafficSummary} once the last one has ended. Non-blocking: the requests run on
 * the event loops, at most {@code concurrency} at a time. Only with the simulated
 * providers, so that it never runs up a bill with a real one.
 */
@RestController
@ConditionalOnBooleanProperty(name = SimulatedProvidersInitializer.ENABLED_PROPERTY, matchIfMissing = true)
final class TrafficController {

	static final int MAX_REQUESTS = 5000;

	static final int MAX_CONCURRENCY = 64;

	private static final String DEFAULT_CHAIN = "default";

	private static final int DEFAULT_REQUESTS = 100;

	private static final int DEFAULT_CONCURRENCY = 8;

	private final ChatService chat;

	private final FallbackChains chains;

	TrafficController(ChatService chat, FallbackChains chains) {
		this.chat = chat;
		this.chains = chains;
	}

	@PostMapping("/simulator/traffic")
	Mono<TrafficSummary> traffic(@RequestBody(required = false) @Nullable TrafficOrder body) {
		TrafficOrder order = (body != null) ? body : TrafficOrder.DEFAULTS;
		String chain = (order.chain() != null) ? order.chain() : DEFAULT_CHAIN;
		if (!this.chains.contains(chain)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No chain named '" + chain
					+ "'; configured chains: " + this.chains.all().stream().map(FallbackChain::name).toList());
		}
		int requests = bounded("requests", order.requests(), DEFAULT_REQUESTS, MAX_REQUESTS);
		int concurrency = bounded("concurrency", order.concurrency(), DEFAULT_CONCURRENCY, MAX_CONCURRENCY);
		String prompt = order.prompt();
		if (prompt != null && prompt.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "prompt must not be empty when given");
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return Flux.range(0, requests)
				.flatMap(
						(i) -> this.chat.chat(chain, (prompt != null) ? prompt : TrafficPrompts.forRequest(i), null)
							.map(Outcome::of)
							// Every provider failed: counted, and the batch goes on.
							// Anything else (the input guardrail refusing the prompt)
							// ends the batch with that error.
							.onErrorResume(ChainFailureException.class, (ex) -> Mono.just(Outcome.failed(ex))),
						concurrency)
				.reduce(new Tally(), Tally::add)
				.map((tally) -> new TrafficSummary(chain, requests, tally.served, tally.fallbacks, tally.failed,
						tally.cost, Duration.ofNanos(System.nanoTime() - start).toMillis()));
		});
	}

	private static int bounded(String field, @Nullable Integer value, int defaultValue, int max) {
		if (value == null) {
			return defaultValue;
		}
		if (value < 1 || value > max) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					field + " must be 1 to " + max + ", was " + value);
		}
		return value;
	}

	/** How one request ended. */
	private record Outcome(boolean served, boolean fallback, BigDecimal cost) {

		static Outcome of(ChainResponse response) {
			return new Outcome(true, response.isFallback(), response.costUsd());
		}

		static Outcome failed(ChainFailureException failure) {
			// Attempts that failed may still have been billed.
			BigDecimal cost = failure.getAttempts()
				.stream()
				.map(AttemptRecord::costUsd)
				.reduce(BigDecimal.ZERO, BigDecimal::add);
			return new Outcome(false, false, cost);
		}

	}

	/**
	 * Counts of a batch so far; reduced one outcome at a time, so never shared between
	 * threads.
	 */
	private static final class Tally {

		int served;

		int fallbacks;

		int failed;

		BigDecimal cost = BigDecimal.ZERO;

		Tally add(Outcome outcome) {
			if (outcome.served()) {
				this.served++;
				if (outcome.fallback()) {
					this.fallbacks++;
				}
			}
			else {
				this.failed++;
			}
			this.cost = this.cost.add(outcome.cost());
			return this;
		}

	}

}
