package io.llmfallback.provider.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.support.Fixtures;
import io.llmfallback.support.WireMockProviders;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the provider tests share: a WireMock server on a random loopback port, providers
 * built the way the auto-configuration builds them ({@link LlmProviders#create}),
 * fixtures read from {@code /fixtures}, and a way to take the {@link ProviderException}
 * out of a failed call.
 */
final class ProviderTestKit {

	/**
	 * A project key in OpenAI's current format; every test that could leak it checks that
	 * it does not.
	 */
	static final String API_KEY = "sk-proj-abc4Fq9ZtR2mWv7LxN3pK8sYdE1hJ6uC0oB5gT-Qi_XrHzyVnMwe7LsD2aPf9Kxyz9";

	static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProviderTestKit() {
	}

	/** A WireMock server bound to the loopback interface only, on a port the OS picks. */
	static WireMockExtension wireMock() {
		return WireMockProviders.server();
	}

	/**
	 * The base URL of that server; an IP literal, so that {@code localhost} resolving to
	 * ::1 cannot interfere.
	 */
	static String baseUrl(WireMockExtension server) {
		return "http://127.0.0.1:" + server.getPort();
	}

	/** The provider types that speak HTTP to an API, each with its wire format. */
	static ProviderType[] httpTypes() {
		return new ProviderType[] { ProviderType.OPENAI, ProviderType.ANTHROPIC, ProviderType.GEMINI };
	}

	/** The model each wire protocol is configured with unless a test says otherwise. */
	static String defaultModel(ProviderType type) {
		return switch (type) {
			case OPENAI -> "gpt-4o";
			case ANTHROPIC -> "claude-sonnet-4-5";
			case GEMINI -> "gemini-2.5-flash";
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

	/** The path a request for the default model goes to. */
	static String path(ProviderType type) {
		return switch (type) {
			case OPENAI -> "/v1/chat/completions";
			case ANTHROPIC -> "/v1/messages";
			case GEMINI -> "/v1beta/models/gemini-2.5-flash:generateContent";
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

	/** A well-formed success body of that protocol, as a fixture path. */
	static String successFixture(ProviderType type) {
		return switch (type) {
			case OPENAI -> "openai/chat-completion.json";
			case ANTHROPIC -> "anthropic/message.json";
			case GEMINI -> "gemini/generate-content.json";
			case SPRING_AI -> throw new IllegalArgumentException("No wire format");
		};
	}

	static ProviderSettings settings(ProviderType type, String baseUrl, String apiKey, int maxTokens,
			Map<String, String> headers) {
		return new ProviderSettings(type.wireName() + "-test", type, URI.create(baseUrl), apiKey, defaultModel(type),
				Duration.ofSeconds(10), maxTokens, headers);
	}

	static LlmProvider provider(ProviderType type, String baseUrl) {
		return provider(settings(type, baseUrl, API_KEY, 1024, Map.of()));
	}

	static LlmProvider provider(ProviderSettings settings) {
		return LlmProviders.create(settings, WebClient.builder());
	}

	static String fixture(String path) {
		return Fixtures.read(path);
	}

	/**
	 * A fixture with some fields changed, for the malformed variants of a well-formed
	 * body.
	 */
	static String mutatedFixture(String path, Consumer<ObjectNode> change) {
		ObjectNode body = (ObjectNode) JSON.readTree(fixture(path));
		change.accept(body);
		return JSON.writeValueAsString(body);
	}

	/** Subscribes, expects the call to succeed and returns its single response. */
	static ChatResponse success(Mono<ChatResponse> call) {
		AtomicReference<ChatResponse> response = new AtomicReference<>();
		StepVerifier.create(call).consumeNextWith(response::set).expectComplete().verify(CALL_TIMEOUT);
		return response.get();
	}

	/**
	 * Subscribes, expects the call to fail with a {@link ProviderException} (the only
	 * failure a provider may raise).
	 */
	static ProviderException failure(Mono<?> call) {
		AtomicReference<Throwable> error = new AtomicReference<>();
		StepVerifier.create(call).consumeErrorWith(error::set).verify(CALL_TIMEOUT);
		assertThat(error.get()).isInstanceOf(ProviderException.class);
		return (ProviderException) error.get();
	}

	/** A loopback port nothing listens on: bound by the OS, then released. */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
