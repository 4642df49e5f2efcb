package io.llmfallback.provider.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.chain.AttemptRecord;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.support.OpenAiStubs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.llmfallback.provider.internal.ProviderTestKit.baseUrl;
import static io.llmfallback.provider.internal.ProviderTestKit.failure;
import static io.llmfallback.provider.internal.ProviderTestKit.path;
import static io.llmfallback.provider.internal.ProviderTestKit.provider;
import static io.llmfallback.provider.internal.ProviderTestKit.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers are read within the provider's cap and the budget all providers share, over
 * real HTTP.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderResponseSizeTest {

	@RegisterExtension
	static WireMockExtension server = ProviderTestKit.wireMock();

	private static final ChatRequest REQUEST = ChatRequest.ofUser("Hi");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class));

	/**
	 * A valid answer of about 2 MB: served before the cap, when up to 16 MB were
	 * buffered.
	 */
	private static final String LARGE_TEXT = "word ".repeat(400_000);

	@ParameterizedTest
	@EnumSource(value = ProviderType.class, names = "SPRING_AI", mode = EnumSource.Mode.EXCLUDE)
	void answerOverTheDefaultCapFailsAsResponseTooLargeWithOneWarningAndNoBufferError(ProviderType type,
			CapturedOutput output) {
		server.stubFor(post(urlPathEqualTo(path(type))).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(answer(type, LARGE_TEXT))));
		LlmProvider provider = provider(type, baseUrl(server));

		for (int i = 0; i < 3; i++) {
			ProviderException ex = failure(provider.chat(REQUEST));
			assertThat(ex.getCategory()).isEqualTo(FailureCategory.RESPONSE_TOO_LARGE);
			assertThat(ex.getCategory().wireName()).isEqualTo("response-too-large");
			assertThat(ex.getHttpStatus()).isEqualTo(200);
			assertThat(ex.getMessage()).endsWith("response larger than the 1 MB cap on one answer");
		}

		assertThat(output.getAll().lines().filter((line) -> line.contains(" WARN "))).singleElement()
			.asString()
			.contains("LLM provider '" + type.wireName() + "-test' answered HTTP 200 with a body that was not read "
					+ "to the end: response larger than the 1 MB cap on one answer");
		assertThat(output.getAll()).doesNotContain("IllegalReferenceCountException").doesNotContain(" ERROR ");
	}

	/**
	 * A server that declares a body over the cap and then sends nothing: the attempt
	 * fails at once instead of waiting out the provider's minute, the connection is
	 * closed, and the next provider serves.
	 */
	@Test
	void bodyDeclaredOverTheCapFailsWithoutWaitingForItAndTheConnectionIsClosed() throws Exception {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("from the backup", 3, 2)));
		try (StallingServer stalling = new StallingServer("Content-Length: 67108864\r\n\r\n")) {
			this.contextRunner.withPropertyValues(providerProperties("stalling"))
				.withPropertyValues(providerProperties("backup"))
				.withPropertyValues("llm.fallback.providers.stalling.base-url=http://127.0.0.1:" + stalling.port(),
						"llm.fallback.providers.stalling.timeout=60s", "llm.fallback.chains.chat.latency-budget=120s",
						"llm.fallback.chains.chat.providers=stalling,backup")
				.run((context) -> {
					AtomicReference<ChainResponse> response = new AtomicReference<>();
					StepVerifier.create(context.getBean(FallbackChains.class).chain("chat").chat(REQUEST))
						.consumeNextWith(response::set)
						.expectComplete()
						.verify(Duration.ofSeconds(10));

					assertThat(response.get().text()).isEqualTo("from the backup");
					assertThat(response.get().attempts()).extracting(AttemptRecord::label)
						.containsExactly("response-too-large", "success");
					assertThat(stalling.closedByClient().await(10, TimeUnit.SECONDS)).as("connection closed").isTrue();
				});
		}
	}

	@Test
	void capIsPerProvider() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion(LARGE_TEXT, 10, 500_000)));

		assertThat(success(provider(settings(4 * 1024 * 1024)).chat(REQUEST)).text()).isEqualTo(LARGE_TEXT);
		assertThat(failure(provider(settings(64 * 1024)).chat(REQUEST)).getMessage())
			.endsWith("response larger than the 64 KB cap on one answer");
	}

	@Test
	void errorBodyOverTheCapIsClassifiedByItsStatus() {
		server.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(aResponse().withStatus(503)
				.withHeader("Content-Type", "text/html")
				.withHeader("retry-after", "3")
				.withBody("<html>" + LARGE_TEXT + "</html>")));

		ProviderException ex = failure(provider(ProviderType.OPENAI, baseUrl(server)).chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(FailureCategory.OVERLOADED);
		assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void answerThatDoesNotFitTheSharedBudgetFailsAndTheBudgetIsWholeAgainAfterEveryRead() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("x".repeat(20_000), 10, 5_000)));
		ResponseBudget budget = new ResponseBudget(100_000);
		LlmProvider provider = LlmProviders.create(settings(ProviderSettings.DEFAULT_MAX_RESPONSE_BYTES),
				RequestAdaptation.NONE, WebClient.builder(), budget);
		// Answers other providers are reading right now.
		assertThat(budget.tryReserve(90_000)).isTrue();

		ProviderException ex = failure(provider.chat(REQUEST));

		assertThat(ex.getCategory()).isEqualTo(FailureCategory.RESPONSE_TOO_LARGE);
		assertThat(ex.getMessage()).endsWith("the 100000 bytes budget of responses being read at once is used up");
		assertThat(budget.reserved()).isEqualTo(90_000);
		budget.release(90_000);
		assertThat(success(provider.chat(REQUEST)).text()).hasSize(20_000);
		assertThat(budget.reserved()).isZero();
	}

	/**
	 * A chunked answer (no length declared) cancelled in the middle of its body from
	 * another thread than the connection's, as the chain's attempt timeout and a caller
	 * gone do: its whole reservation comes back.
	 */
	@Test
	void answerCancelledMidBodyGivesItsReservationBack() throws Exception {
		// The head, and a first chunk of 16 bytes.
		String chunked = "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"choices\":[{\"in\r\n";
		try (StallingServer stalling = new StallingServer(chunked)) {
			ResponseBudget budget = new ResponseBudget(100_000);
			LlmProvider provider = LlmProviders.create(
					settings("http://127.0.0.1:" + stalling.port(), ProviderSettings.DEFAULT_MAX_RESPONSE_BYTES),
					RequestAdaptation.NONE, WebClient.builder(), budget);

			Disposable call = provider.chat(REQUEST).subscribe();
			await().atMost(Duration.ofSeconds(10)).until(() -> budget.reserved() == 16);
			call.dispose();

			await().atMost(Duration.ofSeconds(10)).until(() -> budget.reserved() == 0);
			assertThat(stalling.closedByClient().await(10, TimeUnit.SECONDS)).as("connection closed").isTrue();
		}
	}

	@Test
	void capIsConfiguredPerProviderAndTheBudgetForAllOfThem() {
		server.stubFor(OpenAiStubs.chatCompletion().willReturn(OpenAiStubs.completion("x".repeat(100_000), 10, 5)));

		this.contextRunner.withPropertyValues(providerProperties("small"))
			.withPropertyValues(providerProperties("default"))
			.withPropertyValues("llm.fallback.providers.small.max-response-size=64KB")
			.run((context) -> {
				LlmProviders providers = context.getBean(LlmProviders.class);
				assertThat(failure(providers.get("small").chat(REQUEST)).getMessage())
					.endsWith("response larger than the 64 KB cap on one answer");
				assertThat(success(providers.get("default").chat(REQUEST)).text()).hasSize(100_000);
			});
		this.contextRunner.withPropertyValues(providerProperties("default"))
			.withPropertyValues("llm.fallback.max-in-flight-response-size=50KB")
			.run((context) -> assertThat(
					failure(context.getBean(LlmProviders.class).get("default").chat(REQUEST)).getMessage())
				.endsWith("the 50 KB budget of responses being read at once is used up"));
	}

	@Test
	void sizesMustBePositive() {
		this.contextRunner.withPropertyValues(providerProperties("gpt"))
			.withPropertyValues("llm.fallback.providers.gpt.max-response-size=0B",
					"llm.fallback.max-in-flight-response-size=-1MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.fallback.providers.gpt.max-response-size: must be positive, was 0B")
				.hasMessageContaining("llm.fallback.max-in-flight-response-size: must be positive"));
	}

	/**
	 * Answers a request with a 200, the rest of its head and maybe some body, then
	 * stalls; notes when the client hangs up.
	 */
	private static final class StallingServer implements AutoCloseable {

		private final String rest;

		private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());

		private final CountDownLatch closedByClient = new CountDownLatch(1);

		private final Thread thread = new Thread(this::serve, "stalling-server");

		StallingServer(String rest) throws IOException {
			this.rest = rest;
			this.thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		CountDownLatch closedByClient() {
			return this.closedByClient;
		}

		private void serve() {
			try (Socket connection = this.socket.accept()) {
				InputStream in = connection.getInputStream();
				connection.getOutputStream()
					.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + this.rest)
						.getBytes(StandardCharsets.US_ASCII));
				// Reads the request and whatever follows until the client closes the
				// connection.
				while (in.read() != -1) {
					// discarded
				}
				this.closedByClient.countDown();
			}
			catch (IOException ex) {
				// the server socket was closed by the test
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	private static String[] providerProperties(String name) {
		String prefix = "llm.fallback.providers." + name + ".";
		return new String[] { prefix + "type=openai", prefix + "base-url=" + baseUrl(server), prefix + "model=gpt-4o" };
	}

	private static ProviderSettings settings(long maxResponseBytes) {
		return settings(baseUrl(server), maxResponseBytes);
	}

	private static ProviderSettings settings(String baseUrl, long maxResponseBytes) {
		return new ProviderSettings("gpt", ProviderType.OPENAI, URI.create(baseUrl), "sk-test", "gpt-4o",
				Duration.ofSeconds(10), 1024, Map.of(), maxResponseBytes, ProviderSettings.DEFAULT_MAX_INPUT_TOKENS);
	}

	private static String answer(ProviderType type, String text) {
		return switch (type) {
			case OPENAI -> """
					{"choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
					 "usage":{"prompt_tokens":9,"completion_tokens":400000}}""".formatted(text);
			case ANTHROPIC -> """
					{"type":"message","role":"assistant","content":[{"type":"text","text":"%s"}],
					 "stop_reason":"end_turn","usage":{"input_tokens":9,"output_tokens":400000}}""".formatted(text);
			case GEMINI -> """
					{"candidates":[{"content":{"parts":[{"text":"%s"}],"role":"model"},"finishReason":"STOP"}],
					 "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":400000}}""".formatted(text);
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

}
