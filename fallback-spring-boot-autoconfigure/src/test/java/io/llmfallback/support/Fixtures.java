package io.llmfallback.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

import org.springframework.core.io.ClassPathResource;

/**
 * The providers' wire fixtures under {@code src/test/resources/fixtures}, each taken from
 * its provider's API reference (cited in the fixture or the test that serves it).
 */
public final class Fixtures {

	private Fixtures() {
	}

	/** A 200 that streams the fixture at that path as server-sent events. */
	public static ResponseDefinitionBuilder eventStream(String path) {
		return WireMock.aResponse()
			.withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(read(path));
	}

	/** The fixture at that path, e.g. {@code openai/chat-completion.json}. */
	public static String read(String path) {
		try {
			return new ClassPathResource("fixtures/" + path).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No fixture " + path, ex);
		}
	}

}
