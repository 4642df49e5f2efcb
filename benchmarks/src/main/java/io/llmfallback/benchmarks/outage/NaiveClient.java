package io.llmfallback.benchmarks.outage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.llmfallback.benchmarks.outage.Answer.Attempt;
import io.llmfallback.benchmarks.outage.Answer.Outcome;
import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.TokenUsage;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Variant (a), what a team writes by hand: call the primary with a timeout, on any error
 * call the fallback with the same timeout; no breaker, nothing learnt from one request to
 * the next. Its pool holds {@value #MAX_CONNECTIONS} connections per host, so that a
 * hanging primary does not make it queue.
 */
final class NaiveClient implements VariantClient {

	private static final int MAX_CONNECTIONS = 2000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConnectionProvider pool = ConnectionProvider.builder("naive-outage")
		.maxConnections(MAX_CONNECTIONS)
		.pendingAcquireMaxCount(-1)
		.build();

	private final WebClient webClient = WebClient.builder()
		.clientConnector(new ReactorClientHttpConnector(HttpClient.create(this.pool)))
		.build();

	private final String primaryUrl;

	private final String fallbackUrl;

	private final Duration timeout;

	NaiveClient(String primaryBaseUrl, String fallbackBaseUrl, Duration timeout) {
		this.primaryUrl = primaryBaseUrl + ProviderRole.PRIMARY.path();
		this.fallbackUrl = fallbackBaseUrl + ProviderRole.FALLBACK.path();
		this.timeout = timeout;
	}

	@Override
	public Mono<Answer> send(ChatRequest request) {
		List<Attempt> attempts = new ArrayList<>(2);
		return call(ProviderRole.PRIMARY, this.primaryUrl, openAiBody(request), attempts)
			.onErrorResume(
					(primaryFailed) -> call(ProviderRole.FALLBACK, this.fallbackUrl, anthropicBody(request), attempts))
			.map((served) -> new Answer((served == ProviderRole.PRIMARY) ? Outcome.PRIMARY : Outcome.FALLBACK,
					attempts))
			.onErrorResume((fallbackFailed) -> Mono.just(new Answer(Outcome.FAILED, attempts)));
	}

	/**
	 * One POST with the timeout; records the attempt, and answers with the role when it
	 * succeeded.
	 */
	private Mono<ProviderRole> call(ProviderRole role, String url, ObjectNode body, List<Attempt> attempts) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			WebClient.RequestBodySpec post = this.webClient.post()
				.uri(url)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON);
			if (role == ProviderRole.PRIMARY) {
				post.header("Authorization", "Bearer sk-naive");
			}
			else {
				post.header("x-api-key", "sk-ant-naive").header("anthropic-version", "2023-06-01");
			}
			return post.bodyValue(body)
				.retrieve()
				.bodyToMono(String.class)
				.single()
				.timeout(this.timeout)
				.doOnSuccess((answer) -> record(attempts, role, "success", start, usage(role, answer)))
				.doOnError((ex) -> record(attempts, role, "failed", start, TokenUsage.NONE))
				.thenReturn(role);
		});
	}

	private static void record(List<Attempt> attempts, ProviderRole role, String label, long start, TokenUsage usage) {
		synchronized (attempts) {
			// The answer's usage at the same prices the starter variants are configured
			// with.
			attempts.add(new Attempt(role, true, label, System.nanoTime() - start,
					role.pricing().cost(usage).doubleValue()));
		}
	}

	private static TokenUsage usage(ProviderRole role, String answer) {
		JsonNode usage = JSON.readTree(answer).path("usage");
		return (role == ProviderRole.PRIMARY)
				? new TokenUsage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong())
				: new TokenUsage(usage.path("input_tokens").asLong(), usage.path("output_tokens").asLong());
	}

	private static ObjectNode openAiBody(ChatRequest request) {
		ObjectNode body = JSON.createObjectNode().put("model", ProviderRole.PRIMARY.model());
		ArrayNode messages = body.putArray("messages");
		for (ChatMessage message : request.messages()) {
			messages.addObject().put("role", message.role().name().toLowerCase()).put("content", message.content());
		}
		return body.put("max_tokens", request.maxTokens());
	}

	private static ObjectNode anthropicBody(ChatRequest request) {
		ObjectNode body = JSON.createObjectNode()
			.put("model", ProviderRole.FALLBACK.model())
			.put("max_tokens", request.maxTokens());
		String system = request.systemText();
		if (system != null) {
			body.put("system", system);
		}
		ArrayNode messages = body.putArray("messages");
		for (ChatMessage message : request.messages()) {
			if (message.role() != ChatRole.SYSTEM) {
				messages.addObject().put("role", message.role().name().toLowerCase()).put("content", message.content());
			}
		}
		return body;
	}

	@Override
	public void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(5));
	}

}
