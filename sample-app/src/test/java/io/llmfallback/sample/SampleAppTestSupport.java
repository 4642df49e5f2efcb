package io.llmfallback.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.chain.internal.ProviderGuards;
import io.llmfallback.sample.simulator.SimulatedProvidersInitializer;
import io.llmfallback.test.SimulatedProvider;
import io.llmfallback.test.SimulatedProviders;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The sample on a random port, with its simulated providers on loopback: real HTTP from
 * the test to the app, and from the app's chains to the simulators, with faults injected
 * through the app's own {@code /simulator} API. Before each test every simulator is
 * healed, every breaker closed and every retry-after forgotten.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = SimulatedProvidersInitializer.class)
abstract class SampleAppTestSupport {

	@Autowired
	WebTestClient client;

	@Autowired
	SimulatedProviders simulators;

	@Autowired
	ProviderCircuitBreakers breakers;

	@Autowired
	private ProviderGuards guards;

	@BeforeEach
	void healthyProvidersAndClosedBreakers() {
		// Long enough for a chain that waits out two 2 s timeouts on a busy machine.
		this.client = this.client.mutate().responseTimeout(Duration.ofSeconds(15)).build();
		this.simulators.all().forEach(SimulatedProvider::heal);
		// Resetting also empties the breakers' windows, so that no test sees another's
		// failures or successes.
		this.breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
		// A 429 of one test would keep its provider from the next for the retry-after it
		// asked for.
		this.guards.forgetRetryAfters();
	}

	void inject(String provider, String fault) {
		putFault(provider, fault).expectStatus().isOk();
	}

	WebTestClient.ResponseSpec putFault(String provider, String fault) {
		return this.client.put()
			.uri("/simulator/{provider}/fault", provider)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(fault)
			.exchange();
	}

	/** What the price list says the tokens cost, in USD. */
	static BigDecimal cost(long inputTokens, long outputTokens, String inputPerMillion, String outputPerMillion) {
		return new BigDecimal(inputPerMillion).multiply(BigDecimal.valueOf(inputTokens))
			.add(new BigDecimal(outputPerMillion).multiply(BigDecimal.valueOf(outputTokens)))
			.divide(BigDecimal.valueOf(1_000_000), 10, RoundingMode.HALF_UP);
	}

}
