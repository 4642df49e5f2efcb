package io.llmfallback.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user reads first says what the product does today: the README's set-up leads
 * to working endpoints, its code is the code the tests run, and the docs describe the
 * behaviour as it is.
 */
class DocumentationDriftTest {

	private static final Path ROOT = OperationsArtifacts.root();

	@Test
	void readmeSaysWhichEndpointsToExposeAndWhatServesPrometheus() throws IOException {
		String readme = read("README.md");
		assertThat(readme).contains("include: health,info,llmfallback,prometheus")
			.contains("<artifactId>micrometer-registry-prometheus</artifactId>")
			.contains("import io.llmfallback.aop.LlmFallback;")
			.contains("import io.llmfallback.chain.LlmClient;")
			.doesNotContain("<type>pom</type>");
	}

	@Test
	void readmesProblemDetailHandlerIsTheOneTheTestRuns() throws IOException {
		String readme = normalized(read("README.md"));
		String tested = normalized(read(
				"fallback-spring-boot-autoconfigure/src/test/java/io/llmfallback/it/ChainFailureProblemDetailIntegrationTests.java"));
		String handler = readme.substring(readme.indexOf("ProblemDetail chainFailed"),
				readme.indexOf("return problem;") + "return problem;".length());
		assertThat(handler).contains("HttpStatus.BAD_GATEWAY");
		assertThat(tested).contains(handler);
	}

	@Test
	void readmeShowsTheGateLogAsTheRunPrintsIt() throws IOException {
		String readme = read("README.md");
		String runner = read(
				"fallback-gate/src/main/java/io/llmfallback/gate/autoconfigure/GateCommandLineRunner.java");
		assertThat(runner).contains("\"Compatibility gate reports written to \"");
		assertThat(readme).contains("Compatibility gate of chain 'extract': FAIL\n")
			.contains("Compatibility gate reports written to [")
			.doesNotContain("FAIL; reports written to");
	}

	@Test
	void userGuideSaysAMisnamedFallbackMethodFailsStartUp() throws IOException {
		assertThat(read("docs/user-guide.md")).doesNotContain("fails the first call")
			.contains("A misnamed fallback method, or a chain that is not configured, fails start-up");
	}

	@Test
	void userGuideEchoesInvalidValuesAsWritten() throws IOException {
		assertThat(read("docs/user-guide.md")).doesNotContain("was PT")
			.contains("llm.fallback.providers.gpt.timeout: must be positive, was 0s");
	}

	@Test
	void theProductSpeaksInItsOwnWords() throws IOException {
		List<Path> texts;
		try (Stream<Path> files = Stream
			.of("README.md", "docs", "fallback-spring-boot-autoconfigure/src/main", "sample-app/src/main")
			.map(ROOT::resolve)
			.flatMap(DocumentationDriftTest::walk)) {
			texts = files.filter(Files::isRegularFile)
				.filter((file) -> file.toString().matches(".*\\.(md|java|json|yml|yaml|properties)$"))
				.toList();
		}
		assertThat(texts).hasSizeGreaterThan(50);
		for (Path file : texts) {
			assertThat(Files.readString(file).toLowerCase(Locale.ROOT)).as(ROOT.relativize(file).toString())
				.doesNotContain("the seed")
				.doesNotContain("seed's");
		}
	}

	private static Stream<Path> walk(Path path) {
		try {
			return Files.isDirectory(path) ? Files.walk(path) : Stream.of(path);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static String read(String path) throws IOException {
		return Files.readString(ROOT.resolve(path));
	}

	private static String normalized(String text) {
		return text.replaceAll("\\s+", " ");
	}

}
