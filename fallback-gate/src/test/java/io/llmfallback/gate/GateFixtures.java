package io.llmfallback.gate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackHealthAutoConfiguration;
import io.llmfallback.cost.Pricing;
import io.llmfallback.gate.autoconfigure.LlmFallbackGateAutoConfiguration;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderType;
import io.llmfallback.provider.internal.LlmProviders;
import io.llmfallback.provider.internal.ProviderSettings;
import io.llmfallback.support.OpenAiStubs;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;

/**
 * The test corpus ({@code /gate/corpus.jsonl}) and answers of known sizes for it, served
 * by OpenAI-format WireMock stubs that match each corpus line on its {@code Question NN}
 * prefix, and the providers that call those servers: built by hand for the gate's
 * builder, or configured for an application context with the gate's auto-configuration.
 */
public final class GateFixtures {

	/**
	 * The primary's answer length per corpus line, in characters. Lines s07-s10 carry a
	 * JSON schema.
	 */
	static final Map<String, Integer> PRIMARY_LENGTHS = lengths();

	static final int PROMPT_TOKENS = 20;

	/**
	 * Output tokens are one per five characters: every length here is a multiple of 5.
	 */
	static final int CHARS_PER_TOKEN = 5;

	static final Pricing PRICE = new Pricing(new BigDecimal("2.50"), new BigDecimal("10.00"));

	private static final String FILLER = "the fallback answers the same prompt in its own words and shape ";

	private GateFixtures() {
	}

	private static Map<String, Integer> lengths() {
		Map<String, Integer> lengths = new LinkedHashMap<>();
		lengths.put("q01", 200);
		lengths.put("q02", 300);
		lengths.put("q03", 400);
		lengths.put("q04", 500);
		lengths.put("q05", 600);
		lengths.put("q06", 1000);
		lengths.put("s07", 200);
		lengths.put("s08", 250);
		lengths.put("s09", 300);
		lengths.put("s10", 350);
		return lengths;
	}

	static GateCorpus corpus() {
		try (InputStream in = GateFixtures.class.getResourceAsStream("/gate/corpus.jsonl")) {
			if (in == null) {
				throw new IllegalStateException("No /gate/corpus.jsonl on the test classpath");
			}
			return GateCorpus.read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static boolean hasSchema(String id) {
		return id.startsWith("s");
	}

	/** What WireMock matches a corpus line's request on. */
	static String question(String id) {
		return "Question " + id.substring(1);
	}

	/** Free text of exactly that many characters. */
	static String text(int length) {
		return FILLER.repeat(length / FILLER.length() + 1).substring(0, length);
	}

	/**
	 * A JSON answer of exactly that many characters that satisfies the corpus schema, or
	 * lacks its required {@code score} (one of its four properties) when
	 * {@code withScore} is false.
	 */
	static String json(int length, boolean withScore) {
		String template = withScore ? "{\"summary\":\"%s\",\"sentiment\":\"positive\",\"score\":4,\"language\":\"en\"}"
				: "{\"summary\":\"%s\",\"sentiment\":\"positive\",\"language\":\"en\"}";
		int padding = length - template.formatted("").length();
		if (padding < 0) {
			throw new IllegalArgumentException("A JSON answer needs more than " + length + " characters");
		}
		return template.formatted(text(padding));
	}

	/**
	 * The answer of that length a line expects: JSON for lines with a schema, text
	 * otherwise.
	 */
	static String answer(String id, int length) {
		return hasSchema(id) ? json(length, true) : text(length);
	}

	/** Stubs the answer to one corpus line. */
	static void stub(WireMockExtension server, String id, ResponseDefinitionBuilder response) {
		server.stubFor(OpenAiStubs.chatCompletion().withRequestBody(containing(question(id))).willReturn(response));
	}

	/** An OpenAI completion of that text, with usage that follows from its length. */
	static ResponseDefinitionBuilder completion(String text) {
		return OpenAiStubs.completion(escape(text), PROMPT_TOKENS, text.length() / CHARS_PER_TOKEN);
	}

	/** Stubs every corpus line with the primary's lengths scaled by that factor. */
	public static void answerAll(WireMockExtension server, double scale) {
		PRIMARY_LENGTHS
			.forEach((id, length) -> stub(server, id, completion(answer(id, (int) Math.round(length * scale)))));
	}

	/**
	 * A provider speaking OpenAI's protocol to that server, made as the
	 * auto-configuration makes one.
	 */
	static LlmProvider openAi(String name, WireMockExtension server) {
		return LlmProviders
			.create(new ProviderSettings(name, ProviderType.OPENAI, URI.create("http://127.0.0.1:" + server.getPort()),
					"sk-test", "gpt-4o", Duration.ofSeconds(5), 1024, Map.of()), WebClient.builder());
	}

	/**
	 * The properties of a provider speaking OpenAI's protocol to that server, for an
	 * application context.
	 */
	public static String[] openAiProvider(String name, String model, WireMockExtension server) {
		String prefix = "llm.fallback.providers." + name + ".";
		return new String[] { prefix + "type=openai", prefix + "model=" + model,
				prefix + "base-url=http://127.0.0.1:" + server.getPort() };
	}

	/**
	 * A context with the runtime's and the gate's auto-configuration and the health
	 * indicator, as an application with the fallback-gate module has them.
	 */
	public static ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(WebClientAutoConfiguration.class, LlmFallbackAutoConfiguration.class,
						LlmFallbackGateAutoConfiguration.class, LlmFallbackHealthAutoConfiguration.class));
	}

	private static String escape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"");
	}

}
