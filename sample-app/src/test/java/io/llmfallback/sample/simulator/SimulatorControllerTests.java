package io.llmfallback.sample.simulator;

import java.time.Duration;

import io.llmfallback.test.SimulatedProviders;
import io.llmfallback.test.StreamFault;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault API over the kit: a bad fault is a 400 naming its field, an unknown provider
 * a 404.
 */
class SimulatorControllerTests {

	private static SimulatedProviders simulators;

	private static WebTestClient client;

	@BeforeAll
	static void start() {
		simulators = SimulatedProviders.builder().provider("openai-sim", WireProtocol.OPENAI).start();
		client = WebTestClient.bindToController(new SimulatorController(simulators))
			.controllerAdvice(new Reasons())
			.build();
	}

	@AfterAll
	static void stop() {
		simulators.close();
	}

	@Test
	void aBadFaultIsRejectedNamingItsField() {
		assertBadRequest("{\"cutAfterChunks\":-1}", "cutAfterChunks must be 0 or more, was -1");
		assertBadRequest("{\"stallAfterChunks\":1,\"noTerminator\":true}",
				"a stream breaks one way: give one of cutAfterChunks, stallAfterChunks, errorAfterChunks, "
						+ "malformedAfterChunks and noTerminator, not stallAfterChunks and noTerminator");
		assertBadRequest("{\"noTerminator\":false}",
				"Give a fault: {\"status\":503}, {\"latencyMs\":3000} "
						+ "or {\"hang\":true}, with a \"rate\" such as 0.25 for a partial outage; for a stream, one of "
						+ "cutAfterChunks, stallAfterChunks, errorAfterChunks, malformedAfterChunks, noTerminator, and "
						+ "firstChunkDelayMs");
	}

	@Test
	void aStreamFaultIsInjectedAndShown() {
		put("openai-sim", "{\"cutAfterChunks\":2,\"firstChunkDelayMs\":500,\"rate\":0.5}").expectStatus()
			.isOk()
			.expectBody()
			.json("{\"protocol\":\"openai\",\"fault\":{\"latencyMs\":0,\"hang\":false,\"rate\":0.5,"
					+ "\"cutAfterChunks\":2,\"firstChunkDelayMs\":500}}");
		assertThat(simulators.get("openai-sim").fault().stream())
			.isEqualTo(new StreamFault(StreamFault.Kind.CUT, 2, Duration.ofMillis(500)));
	}

	@Test
	void anUnknownProviderIsNotFound() {
		put("nope", "{\"status\":503}").expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.isEqualTo("No simulated provider named 'nope'; simulated providers: [openai-sim]");
	}

	private static void assertBadRequest(String fault, String reason) {
		put("openai-sim", fault).expectStatus().isBadRequest().expectBody(String.class).isEqualTo(reason);
	}

	private static WebTestClient.ResponseSpec put(String provider, String fault) {
		return client.put()
			.uri("/simulator/{provider}/fault", provider)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(fault)
			.exchange();
	}

	/** The sample's error handler in short: a rejection's reason as the body. */
	@RestControllerAdvice
	static final class Reasons {

		@ExceptionHandler
		ResponseEntity<String> rejected(ResponseStatusException rejection) {
			return ResponseEntity.status(rejection.getStatusCode()).body(String.valueOf(rejection.getReason()));
		}

	}

}
