package io.llmfallback.benchmarks;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.OpenAiProvider;
import io.llmfallback.provider.internal.ProviderSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * What a healthy call through the chain costs compared with the plain WebClient call a
 * hand-written client would make to the same endpoint.
 * <p>
 * One WireMock server on a loopback port answers {@code POST /v1/chat/completions} with a
 * realistic OpenAI chat completion. Three ways of getting the assistant's text out of it
 * are measured, each on a {@link WebClient.Builder} from {@link WebClient#builder()} (so
 * the same Reactor Netty connector and connection pool underneath):
 * <ul>
 * <li>{@link #directWebClient()}: the baseline. Build the JSON body, POST it, read the
 * body as text, parse it with Jackson 3 and take {@code choices[0].message.content}.</li>
 * <li>{@link #provider()}: {@link OpenAiProvider#chat(ChatRequest)}, i.e. the same work
 * plus request mapping, error classification hooks and a normalized
 * {@link ChatResponse}.</li>
 * <li>{@link #chain()}: a {@link FallbackChain} of two providers whose primary is
 * healthy: circuit breaker permission and bookkeeping, the per-attempt
 * {@code Mono.timeout}, attempt records, cost and the listener.</li>
 * </ul>
 * Everything is built once per trial; each invocation is one complete HTTP round trip,
 * blocked on.
 * <p>
 * The warm-up is long on purpose: Jetty (inside WireMock), Netty, Reactor and Spring make
 * a lot of code for the JIT, and on a 2-core machine C2 keeps compiling for about a
 * minute before the time per call settles. Only {@link Mode#AverageTime} runs by default:
 * with one benchmark thread the throughput is its reciprocal, and a second mode would
 * double the run ({@code -bm thrpt} measures it when wanted).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 5, time = 10, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
public class ChainOverheadBenchmark {

	static final String PATH = "/v1/chat/completions";

	static final String MODEL = "gpt-4o-mini";

	static final String API_KEY = "sk-bench-not-a-real-key";

	static final int MAX_TOKENS = 512;

	/**
	 * The chain's {@code fallback-max-tokens}: what a request served by the secondary
	 * asks for at most.
	 */
	static final int FALLBACK_MAX_TOKENS = 256;

	static final String SYSTEM_PROMPT = "You are a support assistant. Answer in at most three sentences.";

	static final String USER_PROMPT = "Summarize this ticket: the customer was charged twice for the March "
			+ "invoice after updating the card on file, and asks for a refund of the duplicate charge.";

	static final String ANSWER = "The customer was billed twice for the March invoice right after changing "
			+ "their saved card. They are asking for the duplicate charge to be refunded. Verify the two "
			+ "transactions and refund the second one.";

	/**
	 * A chat completion as OpenAI returns it (the fields the API sends for a plain text
	 * answer).
	 */
	static final String COMPLETION = """
			{
			  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
			  "object": "chat.completion",
			  "created": 1741569952,
			  "model": "gpt-4o-mini-2024-07-18",
			  "choices": [
			    {
			      "index": 0,
			      "message": {
			        "role": "assistant",
			        "content": "%s",
			        "refusal": null,
			        "annotations": []
			      },
			      "logprobs": null,
			      "finish_reason": "stop"
			    }
			  ],
			  "usage": {
			    "prompt_tokens": 52,
			    "completion_tokens": 41,
			    "total_tokens": 93,
			    "prompt_tokens_details": { "cached_tokens": 0, "audio_tokens": 0 },
			    "completion_tokens_details": { "reasoning_tokens": 0, "audio_tokens": 0,
			      "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0 }
			  },
			  "service_tier": "default",
			  "system_fingerprint": "fp_06737a9306"
			}
			""".formatted(ANSWER);

	/** The body every one of the three callers sends. */
	static final String EXPECTED_REQUEST = """
			{"model":"%s","messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],"max_tokens":%d}
			""".formatted(MODEL, SYSTEM_PROMPT, USER_PROMPT, MAX_TOKENS);

	private WireMockServer server;

	private WebClient directClient;

	private JsonMapper json;

	private LlmProvider provider;

	private FallbackChain chain;

	private ChatRequest request;

	/**
	 * When set (by the smoke test), the stub also checks headers and body, so that a
	 * caller sending something else gets a 404. Off while measuring: matching JSON on the
	 * server would add the same cost to every benchmark and only blur the comparison.
	 */
	boolean strictStub;

	@Setup(Level.Trial)
	public void setUp() {
		this.server = startServer();
		MappingBuilder stub = post(urlEqualTo(PATH));
		if (this.strictStub) {
			stub = stub.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + API_KEY))
				.withHeader(HttpHeaders.CONTENT_TYPE, equalTo(MediaType.APPLICATION_JSON_VALUE))
				.withHeader(HttpHeaders.ACCEPT, equalTo(MediaType.APPLICATION_JSON_VALUE))
				.withRequestBody(equalToJson(EXPECTED_REQUEST));
		}
		this.server.stubFor(stub.willReturn(okJson(COMPLETION)));
		String baseUrl = "http://127.0.0.1:" + this.server.port();

		this.json = JsonMapper.builder().build();
		this.directClient = WebClient.builder()
			.baseUrl(baseUrl)
			.defaultHeaders((headers) -> headers.setBearerAuth(API_KEY))
			.build();

		WebClient.Builder builder = WebClient.builder();
		LlmProvider primary = LlmProviders.create(settings("primary", baseUrl), builder);
		LlmProvider secondary = LlmProviders.create(settings("secondary", baseUrl), builder);
		this.provider = primary;
		this.chain = chain(primary, BreakerSettings.DEFAULTS, secondary, new ChainStatistics());

		this.request = new ChatRequest(List.of(ChatMessage.system(SYSTEM_PROMPT), ChatMessage.user(USER_PROMPT)), null,
				null, null, ResponseFormat.TEXT);
	}

	/**
	 * A WireMock server on a random loopback port, without request journal or console
	 * output.
	 */
	static WireMockServer startServer() {
		WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1")
			.dynamicPort()
			.disableRequestJournal()
			.notifier(new ConsoleNotifier(false)));
		server.start();
		return server;
	}

	static ProviderSettings settings(String name, String baseUrl) {
		return new ProviderSettings(name, ProviderType.OPENAI, URI.create(baseUrl), API_KEY, MODEL,
				Duration.ofSeconds(10), MAX_TOKENS, Map.of());
	}

	/**
	 * The benchmarks' chain, {@code [primary, secondary]}: a 30 s latency budget, the
	 * default fallback categories and breaker of the secondary, the primary's breaker as
	 * given, pricing for both and the statistics as the listener.
	 */
	static FallbackChain chain(LlmProvider primary, BreakerSettings primaryBreaker, LlmProvider secondary,
			ChainStatistics statistics) {
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of(primary.name(), primaryBreaker, secondary.name(), BreakerSettings.DEFAULTS), Clock.systemUTC(),
				(transition) -> {
				});
		ChainSettings chainSettings = new ChainSettings("bench", List.of(primary.name(), secondary.name()),
				Duration.ofSeconds(30), FALLBACK_MAX_TOKENS, ChainSettings.DEFAULT_FALLBACK_ON);
		Pricing price = new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"));
		return new DefaultFallbackChain(chainSettings, List.of(primary, secondary), breakers,
				Map.of(primary.name(), price, secondary.name(), price), statistics);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	/** The baseline: what a hand-written client does, on a plain WebClient. */
	@Benchmark
	public String directWebClient() {
		ObjectNode body = this.json.createObjectNode();
		body.put("model", MODEL);
		ArrayNode messages = body.putArray("messages");
		messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
		messages.addObject().put("role", "user").put("content", USER_PROMPT);
		body.put("max_tokens", MAX_TOKENS);
		String text = this.directClient.post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.writeValueAsString(body))
			.retrieve()
			.bodyToMono(String.class)
			.block();
		return this.json.readTree(text).path("choices").path(0).path("message").path("content").stringValue();
	}

	/** One provider, no chain. */
	@Benchmark
	public ChatResponse provider() {
		return this.provider.chat(this.request).block();
	}

	/** The chain over two providers; the primary is healthy, so one attempt. */
	@Benchmark
	public ChainResponse chain() {
		return this.chain.chat(this.request).block();
	}

}
