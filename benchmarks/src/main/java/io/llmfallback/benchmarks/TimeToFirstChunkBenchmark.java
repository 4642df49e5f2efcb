package io.llmfallback.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.StreamSettings;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.internal.LlmProviders;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * How long a streamed answer takes to reach its first text through the chain, compared
 * with the streaming WebClient call a hand-written client would make to the same
 * endpoint.
 * <p>
 * One WireMock server on a loopback port streams {@code POST /v1/chat/completions} with
 * {@code stream: true} as OpenAI does: a {@code chat.completion.chunk} event with the
 * assistant's role and empty content, one event per word of the answer, one with
 * {@code finish_reason: stop}, one with the usage and no choices, then
 * {@code data: [DONE]}. The whole body is sent at once, with no delay, so that what
 * differs between the callers is their own work. Under {@code /overloaded} the same path
 * answers 503 with OpenAI's {@code server_is_overloaded} error.
 * <p>
 * The {@code ...FirstChunk} benchmarks time one request from subscription to the first
 * chunk with text, on the benchmark thread: the method returns that text while the rest
 * of the stream is still being read, and the stream is read to its end after the timed
 * part ({@link InFlight}), so that a stream that fails or ends without text fails the
 * benchmark and the chain's bookkeeping at the end of a stream is not left running into
 * the next call. The {@code ...WholeStream} benchmarks time the whole answer, to its end.
 * <p>
 * Every caller here reads the body to its own end, past {@code [DONE]}, as the providers
 * do: a body cut short makes Reactor Netty close the connection rather than pool it, and
 * every call would open a new one.
 * <ul>
 * <li>{@code direct...}: the baseline. Build the JSON body, POST it, read the body as
 * server-sent events with Spring's codec to its end, parse each event before
 * {@code [DONE]} with Jackson 3 and take {@code choices[0].delta.content}.</li>
 * <li>{@code provider...}: {@link LlmProvider#stream} alone, to the end, and with the
 * chain's two stream deadlines added ({@link #providerWholeStreamWithDeadlines}): what
 * the chain's time per stream is made of.</li>
 * <li>{@code chain...}: {@link FallbackChain#stream} over two providers whose primary is
 * healthy: one attempt, with its breaker, first-chunk and stall deadlines, records, cost
 * and listener.</li>
 * <li>{@link #failoverFirstChunk}: the same chain whose primary answers 503 before any
 * chunk, so the secondary streams. The primary's breaker is set never to open (the
 * failure-rate rule with a minimum number of calls no run reaches), so every request
 * makes the failed attempt rather than being short-circuited past it.</li>
 * </ul>
 * Sampled ({@link Mode#SampleTime}), so the JMH output has percentiles as well as the
 * mean. Warm-up as long as {@link ChainOverheadBenchmark}'s, for the same reason.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 5, time = 10, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
public class TimeToFirstChunkBenchmark {

	static final String OVERLOADED = "/overloaded";

	/** The first text of the answer: its first word. */
	static final String FIRST_TEXT = ChainOverheadBenchmark.ANSWER.substring(0,
			ChainOverheadBenchmark.ANSWER.indexOf(' '));

	/**
	 * The body every caller sends, asking for that many tokens: the unary one with
	 * streaming and the usage chunk switched on.
	 */
	static String expectedRequest(int maxTokens) {
		return """
				{"model":"%s","messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],
				 "max_tokens":%d,"stream":true,"stream_options":{"include_usage":true}}
				""".formatted(ChainOverheadBenchmark.MODEL, ChainOverheadBenchmark.SYSTEM_PROMPT,
				ChainOverheadBenchmark.USER_PROMPT, maxTokens);
	}

	/** OpenAI's answer to a request it has no capacity for. */
	static final String OVERLOADED_ERROR = """
			{
			  "error": {
			    "message": "The server is overloaded or not ready yet.",
			    "type": "service_unavailable_error",
			    "param": null,
			    "code": "server_is_overloaded"
			  }
			}
			""";

	private static final String CHUNK = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\","
			+ "\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\","
			+ "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\",\"choices\":%s,\"usage\":%s}";

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private WireMockServer server;

	private WebClient directClient;

	private LlmProvider provider;

	private FallbackChain chain;

	private FallbackChain failoverChain;

	private ChatRequest request;

	final ChainStatistics statistics = new ChainStatistics();

	final ChainStatistics failoverStatistics = new ChainStatistics();

	/**
	 * When set (by the smoke test), the stubs also check headers and body, so that a
	 * caller sending something else gets a 404. Off while measuring, as in
	 * {@link ChainOverheadBenchmark}.
	 */
	boolean strictStub;

	@Setup(Level.Trial)
	public void setUp() {
		this.server = ChainOverheadBenchmark.startServer();
		serve(ChainOverheadBenchmark.PATH,
				aResponse().withStatus(200).withHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").withBody(sse()));
		serve(OVERLOADED + ChainOverheadBenchmark.PATH,
				aResponse().withStatus(503)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody(OVERLOADED_ERROR));
		String baseUrl = "http://127.0.0.1:" + this.server.port();

		this.directClient = WebClient.builder()
			.baseUrl(baseUrl)
			.defaultHeaders((headers) -> headers.setBearerAuth(ChainOverheadBenchmark.API_KEY))
			.build();

		WebClient.Builder builder = WebClient.builder();
		LlmProvider primary = LlmProviders.create(ChainOverheadBenchmark.settings("primary", baseUrl), builder);
		LlmProvider secondary = LlmProviders.create(ChainOverheadBenchmark.settings("secondary", baseUrl), builder);
		this.provider = primary;
		this.chain = ChainOverheadBenchmark.chain(primary, BreakerSettings.DEFAULTS, secondary, this.statistics);
		LlmProvider overloaded = LlmProviders.create(ChainOverheadBenchmark.settings("primary", baseUrl + OVERLOADED),
				builder);
		BreakerSettings neverOpens = new BreakerSettings(3, Duration.ofSeconds(30), Duration.ofSeconds(60), false,
				BreakerSettings.Rule.FAILURE_RATE, 1.0, Duration.ofSeconds(30), Integer.MAX_VALUE);
		this.failoverChain = ChainOverheadBenchmark.chain(overloaded, neverOpens, secondary, this.failoverStatistics);

		this.request = new ChatRequest(List.of(ChatMessage.system(ChainOverheadBenchmark.SYSTEM_PROMPT),
				ChatMessage.user(ChainOverheadBenchmark.USER_PROMPT)), null, null, null, ResponseFormat.TEXT);
	}

	private void serve(String path, ResponseDefinitionBuilder response) {
		if (!this.strictStub) {
			this.server.stubFor(post(urlEqualTo(path)).willReturn(response));
			return;
		}
		// A request served by the secondary asks for no more than the chain's
		// fallback-max-tokens.
		int[] maxTokensAsked = { ChainOverheadBenchmark.MAX_TOKENS, ChainOverheadBenchmark.FALLBACK_MAX_TOKENS };
		for (int maxTokens : maxTokensAsked) {
			this.server.stubFor(post(urlEqualTo(path))
				.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + ChainOverheadBenchmark.API_KEY))
				.withHeader(HttpHeaders.CONTENT_TYPE, equalTo(MediaType.APPLICATION_JSON_VALUE))
				.withHeader(HttpHeaders.ACCEPT, equalTo(MediaType.TEXT_EVENT_STREAM_VALUE))
				.withRequestBody(equalToJson(expectedRequest(maxTokens)))
				.willReturn(response));
		}
	}

	/**
	 * The answer as OpenAI streams it: one event per word (about one per token), then
	 * finish, usage and end.
	 */
	static String sse() {
		StringBuilder body = new StringBuilder();
		event(body, choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null), "null");
		String[] words = ChainOverheadBenchmark.ANSWER.split(" ");
		for (int i = 0; i < words.length; i++) {
			String word = (i == 0) ? words[i] : " " + words[i];
			event(body, choice("{\"content\":" + JSON.writeValueAsString(word) + "}", null), "null");
		}
		event(body, choice("{}", "\"stop\""), "null");
		event(body, "[]",
				"{\"prompt_tokens\":52,\"completion_tokens\":41,\"total_tokens\":93,"
						+ "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
						+ "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
						+ "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");
		return body.append("data: [DONE]\n\n").toString();
	}

	private static String choice(String delta, String finishReason) {
		return "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]";
	}

	private static void event(StringBuilder body, String choices, String usage) {
		body.append("data: ").append(CHUNK.formatted(choices, usage)).append("\n\n");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	/** The baseline to the first text: a plain WebClient reading server-sent events. */
	@Benchmark
	public String directFirstChunk(InFlight stream) {
		return stream.firstText(directTexts());
	}

	/** Through the chain, whose primary streams. */
	@Benchmark
	public String chainFirstChunk(InFlight stream) {
		return stream.firstText(texts(this.chain));
	}

	/** Through the chain, whose primary answers 503: the secondary streams. */
	@Benchmark
	public String failoverFirstChunk(InFlight stream) {
		return stream.firstText(texts(this.failoverChain));
	}

	/** The baseline to the end of the answer. */
	@Benchmark
	public String directWholeStream() {
		return directTexts().collect(Collectors.joining()).block();
	}

	/** One provider to the end of the answer, no chain. */
	@Benchmark
	public String providerWholeStream() {
		return whole(this.provider.stream(this.request));
	}

	/**
	 * The same with the chain's deadlines on a stream: a timer armed for the first chunk,
	 * then cancelled and armed again at every chunk for the stall limit.
	 */
	@Benchmark
	public String providerWholeStreamWithDeadlines() {
		return whole(this.provider.stream(this.request)
			.timeout(Mono.delay(StreamSettings.DEFAULT_TIME_TO_FIRST_CHUNK),
					(chunk) -> Mono.delay(StreamSettings.DEFAULT_STALL_TIMEOUT)));
	}

	/**
	 * Through the chain to the end of the answer, with its records, cost and listener.
	 */
	@Benchmark
	public String chainWholeStream() {
		return whole(this.chain.stream(this.request, this.chain.name()));
	}

	private static String whole(Flux<ChatChunk> chunks) {
		return chunks.map(ChatChunk::text).collect(Collectors.joining()).block();
	}

	/**
	 * What a hand-written client streams: each event's {@code choices[0].delta.content},
	 * before {@code [DONE]}.
	 */
	private Flux<String> directTexts() {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", ChainOverheadBenchmark.MODEL);
		ArrayNode messages = body.putArray("messages");
		messages.addObject().put("role", "system").put("content", ChainOverheadBenchmark.SYSTEM_PROMPT);
		messages.addObject().put("role", "user").put("content", ChainOverheadBenchmark.USER_PROMPT);
		body.put("max_tokens", ChainOverheadBenchmark.MAX_TOKENS);
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
		return this.directClient.post()
			.uri(ChainOverheadBenchmark.PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(JSON.writeValueAsString(body))
			.retrieve()
			.bodyToFlux(EVENT)
			// To the body's end, not only to [DONE]: a connection whose body was read
			// whole goes back to the pool.
			.filter((event) -> !"[DONE]".equals(event.data()))
			.map((event) -> JSON.readTree(event.data())
				.path("choices")
				.path(0)
				.path("delta")
				.path("content")
				.stringValue(""))
			.filter((text) -> !text.isEmpty());
	}

	private Flux<String> texts(FallbackChain chain) {
		return chain.stream(this.request, chain.name()).filter(ChatChunk::hasText).map(ChatChunk::text);
	}

	/**
	 * The stream whose first text a benchmark returned, read to its end after the timed
	 * part of the invocation. A stream that fails, or ends without text, fails the
	 * benchmark.
	 */
	@State(Scope.Thread)
	public static class InFlight {

		private CompletableFuture<Void> rest = CompletableFuture.completedFuture(null);

		String firstText(Flux<String> texts) {
			CompletableFuture<String> first = new CompletableFuture<>();
			this.rest = texts.doOnNext(first::complete)
				.doOnError(first::completeExceptionally)
				.doOnComplete(() -> first.completeExceptionally(new IllegalStateException("the stream had no text")))
				.then()
				.toFuture();
			return first.join();
		}

		@TearDown(Level.Invocation)
		public void readToTheEnd() {
			this.rest.join();
		}

	}

}
