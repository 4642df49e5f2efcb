package io.llmfallback.gate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.support.OpenAiStubs;
import io.llmfallback.support.WireMockProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.llmfallback.gate.GateFixtures.PRICE;
import static io.llmfallback.gate.GateFixtures.PRIMARY_LENGTHS;
import static io.llmfallback.gate.GateFixtures.answer;
import static io.llmfallback.gate.GateFixtures.answerAll;
import static io.llmfallback.gate.GateFixtures.completion;
import static io.llmfallback.gate.GateFixtures.json;
import static io.llmfallback.gate.GateFixtures.openAi;
import static io.llmfallback.gate.GateFixtures.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The gate over real HTTP: a primary and fallbacks on WireMock servers on loopback whose
 * answers to the ten-line test corpus differ from the primary's by known amounts. The
 * report must show exactly those amounts and the verdicts that follow from them.
 */
class CompatibilityGateHttpTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	static WireMockExtension gpt = WireMockProviders.server();

	/** Every answer 40% shorter than the primary's. */
	@RegisterExtension
	static WireMockExtension terse = WireMockProviders.server();

	/**
	 * The primary's lengths, but the required {@code score} is missing on two of the four
	 * schema lines.
	 */
	@RegisterExtension
	static WireMockExtension dropper = WireMockProviders.server();

	/** The primary's answers exactly. */
	@RegisterExtension
	static WireMockExtension twin = WireMockProviders.server();

	/** The primary's answers, but HTTP 500 on q03 and s08. */
	@RegisterExtension
	static WireMockExtension flaky = WireMockProviders.server();

	@Test
	void reportsTheKnownDivergencesAndTheVerdictsThatFollow() {
		answerAll(gpt, 1.0);
		answerAll(terse, 0.6);
		PRIMARY_LENGTHS.forEach((id, length) -> stub(dropper, id,
				completion(id.equals("s07") || id.equals("s08") ? json(length, false) : answer(id, length))));
		answerAll(twin, 1.0);
		PRIMARY_LENGTHS.forEach((id, length) -> stub(flaky, id,
				(id.equals("q03") || id.equals("s08"))
						? OpenAiStubs.error(500, "server_error", "", "The server had an error")
						: completion(answer(id, length))));

		GateReport report = CompatibilityGate.builder(openAi("gpt", gpt))
			.chain("support")
			.fallback(openAi("terse", terse), openAi("dropper", dropper), openAi("twin", twin), openAi("flaky", flaky))
			.pricing(Map.of("gpt", PRICE, "terse", PRICE, "dropper", PRICE, "twin", PRICE, "flaky", PRICE))
			.build()
			.runBlocking(GateFixtures.corpus());

		assertThat(report.corpusSize()).isEqualTo(10);
		assertThat(report.schemaLines()).isEqualTo(4);

		// The primary: lengths 200..1000 (mean 410; nearest-rank p50 300, read as 303,
		// the upper edge of its bin [296, 303]; p95 1000, the largest), all JSON valid.
		ProviderStats primary = report.primary();
		assertThat(primary.primary()).isTrue();
		assertThat(primary.calls()).isEqualTo(10);
		assertThat(primary.failures()).isZero();
		assertThat(primary.outputLength()).satisfies((length) -> {
			assertThat(length.mean()).isEqualTo(410.0);
			assertThat(length.p50()).isEqualTo(303.0);
			assertThat(length.p95()).isEqualTo(1000.0);
		});
		assertThat(primary.schemaChecked()).isEqualTo(4);
		assertThat(primary.schemaCompliance()).isEqualTo(1.0);
		assertThat(primary.fieldCoverage()).isEqualTo(1.0);
		assertThat(primary.inputTokens()).isEqualTo(10 * GateFixtures.PROMPT_TOKENS);
		assertThat(primary.outputTokens()).isEqualTo(4100 / GateFixtures.CHARS_PER_TOKEN);
		// 200 input tokens at $2.50/M + 820 output tokens at $10/M
		assertThat(primary.totalCost()).isEqualByComparingTo("0.0087");
		assertThat(primary.costPerRequest()).isEqualByComparingTo("0.00087");
		assertThat(primary.latencyMs()).satisfies((latency) -> {
			assertThat(latency.count()).isEqualTo(10);
			assertThat(latency.p50()).isPositive();
			assertThat(latency.p95()).isGreaterThanOrEqualTo(latency.p50());
		});

		// terse: 40% shorter everywhere, which fails both length dimensions and nothing
		// else enforced.
		ProviderStats terseStats = report.provider("terse");
		assertThat(terseStats.outputLength().mean()).isEqualTo(246.0);
		// p50 180 read as the upper edge of its bin [180, 183].
		assertThat(terseStats.outputLength().p50()).isEqualTo(183.0);
		assertThat(terseStats.outputLength().p95()).isEqualTo(600.0);
		assertThat(terseStats.costPerRequest()).isEqualByComparingTo("0.000542");
		FallbackVerdict terseVerdict = report.verdictOf("terse");
		assertThat(terseVerdict.verdict()).isEqualTo(Verdict.FAIL);
		assertVerdict(terseVerdict, GateDimension.MEAN_LENGTH, -0.4, Verdict.FAIL);
		assertVerdict(terseVerdict, GateDimension.P95_LENGTH, -0.4, Verdict.FAIL);
		assertVerdict(terseVerdict, GateDimension.SCHEMA_COMPLIANCE, 0.0, Verdict.PASS);
		assertVerdict(terseVerdict, GateDimension.FIELD_COVERAGE, 0.0, Verdict.PASS);
		assertVerdict(terseVerdict, GateDimension.FAILURE_RATE, 0.0, Verdict.PASS);
		// Cheaper is fine; and cost is informational by default.
		assertVerdict(terseVerdict, GateDimension.COST_PER_REQUEST, -0.377011, Verdict.PASS);
		assertThat(terseVerdict.dimension(GateDimension.COST_PER_REQUEST).enforced()).isFalse();
		assertThat(terseVerdict.dimension(GateDimension.MEAN_LENGTH).summary())
			.isEqualTo("terse: mean output length -40.0% vs primary (tolerance 15%): FAIL");

		// dropper: same lengths; half the schema lines lack a required field (3 of 4
		// properties present).
		ProviderStats dropperStats = report.provider("dropper");
		assertThat(dropperStats.schemaChecked()).isEqualTo(4);
		assertThat(dropperStats.schemaCompliant()).isEqualTo(2);
		assertThat(dropperStats.schemaCompliance()).isEqualTo(0.5);
		assertThat(dropperStats.fieldCoverage()).isEqualTo(0.875);
		assertThat(dropperStats.lines()).filteredOn((line) -> Boolean.FALSE.equals(line.schemaCompliant()))
			.extracting(LineResult::id)
			.containsExactly("s07", "s08");
		assertThat(dropperStats.lines().get(6).violations())
			.anySatisfy((violation) -> assertThat(violation).contains("score"));
		FallbackVerdict dropperVerdict = report.verdictOf("dropper");
		assertThat(dropperVerdict.verdict()).isEqualTo(Verdict.FAIL);
		assertVerdict(dropperVerdict, GateDimension.MEAN_LENGTH, 0.0, Verdict.PASS);
		assertVerdict(dropperVerdict, GateDimension.P95_LENGTH, 0.0, Verdict.PASS);
		assertVerdict(dropperVerdict, GateDimension.SCHEMA_COMPLIANCE, -0.5, Verdict.FAIL);
		// 12.5 points less coverage is within the 15-point tolerance.
		assertVerdict(dropperVerdict, GateDimension.FIELD_COVERAGE, -0.125, Verdict.PASS);
		assertThat(dropperVerdict.failures()).extracting(DimensionVerdict::dimension)
			.containsExactly(GateDimension.SCHEMA_COMPLIANCE);

		// twin: identical, passes everything enforced.
		FallbackVerdict twinVerdict = report.verdictOf("twin");
		assertThat(twinVerdict.verdict()).isEqualTo(Verdict.PASS);
		for (GateDimension dimension : List.of(GateDimension.MEAN_LENGTH, GateDimension.P95_LENGTH,
				GateDimension.SCHEMA_COMPLIANCE, GateDimension.FIELD_COVERAGE, GateDimension.FAILURE_RATE,
				GateDimension.COST_PER_REQUEST)) {
			assertVerdict(twinVerdict, dimension, 0.0, Verdict.PASS);
		}

		// flaky: two of ten calls fail; counted, and the rest still measured.
		ProviderStats flakyStats = report.provider("flaky");
		assertThat(flakyStats.calls()).isEqualTo(10);
		assertThat(flakyStats.successes()).isEqualTo(8);
		assertThat(flakyStats.failures()).isEqualTo(2);
		assertThat(flakyStats.failureRate()).isEqualTo(0.2);
		assertThat(flakyStats.failuresByCategory()).containsExactly(Map.entry("server-error", 2));
		assertThat(flakyStats.lines()).filteredOn((line) -> !line.success())
			.extracting(LineResult::id, LineResult::line, LineResult::failureCategory)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("q03", 5, "server-error"),
					org.assertj.core.groups.Tuple.tuple("s08", 11, "server-error"));
		// (4100 - 400 - 250) / 8
		assertThat(flakyStats.outputLength().mean()).isEqualTo(431.25);
		assertThat(flakyStats.schemaChecked()).isEqualTo(3);
		FallbackVerdict flakyVerdict = report.verdictOf("flaky");
		assertVerdict(flakyVerdict, GateDimension.FAILURE_RATE, 0.2, Verdict.FAIL);
		assertVerdict(flakyVerdict, GateDimension.MEAN_LENGTH, 0.051829, Verdict.PASS);
		assertVerdict(flakyVerdict, GateDimension.SCHEMA_COMPLIANCE, 0.0, Verdict.PASS);

		assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
		assertThat(report.passed()).isFalse();
		assertThat(report.findings()).containsExactly(
				"terse: mean output length -40.0% vs primary (tolerance 15%): FAIL",
				"terse: p95 output length -40.0% vs primary (tolerance 15%): FAIL",
				"dropper: schema compliance -50.0 pp vs primary (tolerance 15 pp): FAIL",
				"flaky: failure rate +20.0 pp vs primary (tolerance 15 pp): FAIL");

		assertMarkdown(report);
		assertJson(report);
		assertThat(report.toHtml()).startsWith("<!DOCTYPE html>")
			.contains("<h1>Compatibility gate: chain support</h1>")
			.contains("<li>terse: mean output length -40.0% vs primary (tolerance 15%): FAIL</li>")
			.contains("<td class=\"fail\">FAIL</td>")
			.endsWith("</html>\n");

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> GateAssertions.assertCompatible(report))
			.withMessageStartingWith(
					"Compatibility gate failed: a fallback of chain 'support' is not semantically safe.")
			.withMessageContaining("## Verdict: FAIL")
			.withMessageContaining("- terse: mean output length -40.0% vs primary (tolerance 15%): FAIL")
			.withMessageContaining("- dropper: schema compliance -50.0 pp vs primary (tolerance 15 pp): FAIL")
			.withMessageNotContaining("## Providers");
		assertThat(GateAssertions.assertCompatible(report, "twin")).isSameAs(report);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> GateAssertions.assertCompatible(report, "dropper"));
	}

	@Test
	void anIdenticalFallbackPasses() {
		answerAll(gpt, 1.0);
		answerAll(twin, 1.0);
		CompatibilityGate gate = CompatibilityGate.builder(openAi("gpt", gpt)).fallback(openAi("twin", twin)).build();

		GateReport report = GateAssertions.assertCompatible(gate, GateFixtures.corpus());

		assertThat(report.verdict()).isEqualTo(Verdict.PASS);
		assertThat(report.findings()).isEmpty();
		assertThat(report.verdictOf("twin").failures()).isEmpty();
		// No pricing given: cost is reported as such, not as a divergence.
		assertThat(report.primary().priced()).isFalse();
		assertThat(report.verdictOf("twin").dimension(GateDimension.COST_PER_REQUEST).verdict())
			.isEqualTo(Verdict.NOT_APPLICABLE);
		assertThat(report.toMarkdown()).contains("## Verdict: PASS")
			.contains("Every fallback is within tolerance of gpt (primary) on every enforced dimension.")
			.contains("| total cost (USD) | not priced | not priced |")
			.contains("| cost per request | n/a | n/a | n/a | 15% | n/a (informational) |")
			.doesNotContain("## Failed calls");
	}

	@Test
	void latencyIsReportedButOnlyFailsTheGateWhenEnforced() {
		answerAll(gpt, 1.0);
		PRIMARY_LENGTHS.forEach((id, length) -> stub(twin, id, completion(answer(id, length)).withFixedDelay(400)));
		LlmProvider primary = openAi("gpt", gpt);
		// One call first, so that the JVM's first HTTP request does not count as the
		// primary's p95.
		primary.chat(ChatRequest.ofUser("Question 01: warm up")).block(Duration.ofSeconds(10));
		CompatibilityGate.Builder builder = CompatibilityGate.builder(primary).fallback(openAi("slow", twin));

		GateReport informational = builder.build().runBlocking(GateFixtures.corpus());

		DimensionVerdict latency = informational.verdictOf("slow").dimension(GateDimension.P95_LATENCY);
		assertThat(informational.provider("slow").latencyMs().p50()).isGreaterThanOrEqualTo(400.0);
		assertThat(latency.verdict()).isEqualTo(Verdict.FAIL);
		assertThat(latency.enforced()).isFalse();
		assertThat(latency.divergence()).isGreaterThan(1.0);
		assertThat(latency.summary()).startsWith("slow: p95 latency +")
			.endsWith("(tolerance 100%): FAIL (informational)");
		assertThat(informational.verdict()).isEqualTo(Verdict.PASS);

		GateReport enforced = builder.tolerances(GateTolerances.DEFAULTS.enforcing(GateDimension.P95_LATENCY))
			.build()
			.runBlocking(GateFixtures.corpus());

		assertThat(enforced.verdict()).isEqualTo(Verdict.FAIL);
		assertThat(enforced.findings()).singleElement()
			.asString()
			.startsWith("slow: p95 latency +")
			.endsWith("vs primary (tolerance 100%): FAIL");
	}

	@Test
	void aPrimaryThatAnswersNothingLeavesNoBaselineAndFailsTheGate() {
		gpt.stubFor(OpenAiStubs.chatCompletion()
			.willReturn(OpenAiStubs.error(503, "server_error", "", "The engine is currently overloaded")));
		answerAll(twin, 1.0);

		GateReport report = CompatibilityGate.builder(openAi("gpt", gpt))
			.fallback(openAi("twin", twin))
			.build()
			.runBlocking(GateFixtures.corpus());

		assertThat(report.primary().failures()).isEqualTo(10);
		assertThat(report.primary().failuresByCategory()).containsExactly(Map.entry("overloaded", 10));
		assertThat(report.primary().outputLength()).isNull();
		assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
		assertThat(report.findings()).containsExactly(
				"gpt (primary) answered none of the 10 corpus requests: there is no baseline to compare the fallbacks with");
		FallbackVerdict twinVerdict = report.verdictOf("twin");
		assertThat(twinVerdict.dimension(GateDimension.MEAN_LENGTH).verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
		assertThat(twinVerdict.dimension(GateDimension.MEAN_LENGTH).summary())
			.isEqualTo("twin: mean output length: not applicable (the primary answered no request)");
		assertVerdict(twinVerdict, GateDimension.FAILURE_RATE, -1.0, Verdict.PASS);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> GateAssertions.assertCompatible(report, "twin"))
			.withMessageContaining("no baseline");
		assertThat(report.toMarkdown()).contains("gpt, line 3 (q01): overloaded: gpt failed: overloaded (HTTP 503)");
	}

	private static void assertVerdict(FallbackVerdict fallback, GateDimension dimension, double divergence,
			Verdict verdict) {
		DimensionVerdict judged = fallback.dimension(dimension);
		assertThat(judged.divergence()).as("%s %s divergence", fallback.provider(), dimension)
			.isCloseTo(divergence, within(1e-6));
		assertThat(judged.verdict()).as("%s %s verdict", fallback.provider(), dimension).isEqualTo(verdict);
	}

	private static void assertMarkdown(GateReport report) {
		String markdown = report.toMarkdown();
		assertThat(markdown).startsWith("# Compatibility gate: chain support\n")
			.contains("Verdict: FAIL. 10 corpus requests (4 checked against a JSON schema) replayed through gpt"
					+ " (primary) and 4 fallbacks in ")
			.contains("## Verdict: FAIL")
			.contains("- terse: mean output length -40.0% vs primary (tolerance 15%): FAIL\n"
					+ "- terse: p95 output length -40.0% vs primary (tolerance 15%): FAIL\n"
					+ "- dropper: schema compliance -50.0 pp vs primary (tolerance 15 pp): FAIL\n"
					+ "- flaky: failure rate +20.0 pp vs primary (tolerance 15 pp): FAIL\n")
			.contains("### terse: FAIL")
			.contains("| mean output length | 410 chars | 246 chars | -40.0% | 15% | FAIL |")
			.contains("### dropper: FAIL")
			.contains("| schema compliance | 100% | 50% | -50.0 pp | 15 pp | FAIL |")
			.contains("| field coverage | 100% | 87.5% | -12.5 pp | 15 pp | PASS |")
			.contains("### twin: PASS")
			.contains("### flaky: FAIL")
			.contains("| failure rate | 0% | 20% | +20.0 pp | 15 pp | FAIL |")
			.contains("| cost per request | $0.00087 | $0.000542 | -37.7% | 15% | PASS (informational) |")
			.contains("## Providers")
			.contains("|  | gpt (primary) | terse | dropper | twin | flaky |")
			.contains("| output length mean (chars) | 410 | 246 | 410 | 410 | 431.3 |")
			.contains("| output length p95 (chars) | 1000 | 600 | 1000 | 1000 | 1000 |")
			.contains("| schema compliance | 100% (4/4) | 100% (4/4) | 50% (2/4) | 100% (4/4) | 100% (3/3) |")
			.contains("| failures | 0 | 0 | 0 | 0 | 2 (20%: server-error 2) |")
			.contains("| total cost (USD) | $0.0087 | $0.00542 |")
			.contains("## Tolerances")
			.contains("| p95 latency | 100% | more than the primary | informational |")
			.contains("## Failed calls, schema violations and tool-call disagreements")
			.contains("- dropper, line 10 (s07): schema: ")
			.contains("- flaky, line 5 (q03): server-error: flaky failed: server-error (HTTP 500)");
		assertThat(report.verdictMarkdown()).startsWith("## Verdict: FAIL\n").doesNotContain("## Providers");
	}

	private static void assertJson(GateReport report) {
		JsonNode json = JSON.readTree(report.toJson());
		assertThat(json.get("chain").stringValue()).isEqualTo("support");
		assertThat(json.get("verdict").stringValue()).isEqualTo("fail");
		assertThat(json.get("corpusSize").intValue()).isEqualTo(10);
		assertThat(json.get("findings")).hasSize(4);
		assertThat(json.get("findings").get(2).stringValue())
			.isEqualTo("dropper: schema compliance -50.0 pp vs primary (tolerance 15 pp): FAIL");
		assertThat(json.at("/tolerances/meanLength").doubleValue()).isEqualTo(0.15);
		assertThat(json.at("/tolerances/p95Latency").doubleValue()).isEqualTo(1.0);
		assertThat(json.at("/tolerances/enforced")).extracting(JsonNode::stringValue)
			.containsExactly("mean-length", "p95-length", "schema-compliance", "field-coverage", "failure-rate",
					"tool-call-agreement");
		assertThat(json.at("/primary/provider").stringValue()).isEqualTo("gpt");
		assertThat(json.at("/primary/outputLength/mean").doubleValue()).isEqualTo(410.0);
		assertThat(json.at("/primary/totalCost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0087"));
		assertThat(json.at("/primary/lines")).hasSize(10);
		assertThat(json.at("/fallbacks/0/provider").stringValue()).isEqualTo("terse");
		assertThat(json.at("/fallbacks/0/outputLength/p95").doubleValue()).isEqualTo(600.0);
		assertThat(json.at("/fallbacks/1/schemaCompliance").doubleValue()).isEqualTo(0.5);
		assertThat(json.at("/fallbacks/1/fieldCoverage").doubleValue()).isEqualTo(0.875);
		assertThat(json.at("/fallbacks/3/failuresByCategory/server-error").intValue()).isEqualTo(2);
		assertThat(json.at("/fallbacks/3/lines/2/error").stringValue()).contains("HTTP 500");
		JsonNode terseMean = json.at("/verdicts/0/dimensions/0");
		assertThat(terseMean.get("dimension").stringValue()).isEqualTo("mean-length");
		assertThat(terseMean.get("primary").doubleValue()).isEqualTo(410.0);
		assertThat(terseMean.get("fallback").doubleValue()).isEqualTo(246.0);
		assertThat(terseMean.get("divergence").doubleValue()).isEqualTo(-0.4);
		assertThat(terseMean.get("tolerance").doubleValue()).isEqualTo(0.15);
		assertThat(terseMean.get("enforced").booleanValue()).isTrue();
		assertThat(terseMean.get("verdict").stringValue()).isEqualTo("fail");
		assertThat(json.at("/verdicts/2/verdict").stringValue()).isEqualTo("pass");
		// Costs are plain decimals, never 5.42E-4.
		assertThat(report.toJson()).contains("\"costPerRequest\" : 0.000542").contains("\"totalCost\" : 0.0087,");
	}

}
