package io.llmfallback.benchmarks;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.ChainSettings;
import io.llmfallback.chain.FallbackChain;
import io.llmfallback.chain.internal.BreakerSettings;
import io.llmfallback.chain.internal.ChainStatistics;
import io.llmfallback.chain.internal.DefaultFallbackChain;
import io.llmfallback.chain.internal.ProviderCircuitBreakers;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.contract.ResultMapping;
import io.llmfallback.cost.Pricing;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.provider.LlmProvider;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What semantic checking adds to a request, in process: the same chain answering the same
 * JSON ticket
 * <ul>
 * <li>{@link #unchecked()}: with no output contract, the baseline;</li>
 * <li>{@link #schemaContract()}: checked against a JSON Schema (draft 2020-12) with field
 * coverage;</li>
 * <li>{@link #typedResult()}: mapped onto a record, as
 * {@code LlmClient.chat(request, Ticket.class)} does.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 4, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class ContractCheckBenchmark {

	/** A support ticket as the sample's extract chain answers one. */
	static final String TICKET = """
			{"title":"Charged twice for the March invoice.","summary":"My credit card shows two payments of \
			49 euros on 3 March, but the billing page lists only one. Please refund the duplicate.",\
			"sentiment":"negative","keywords":["charged","invoice","duplicate"]}""";

	static final String SCHEMA = """
			{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
			 "properties":{"title":{"type":"string","minLength":1,"maxLength":120},"summary":{"type":"string"},
			  "sentiment":{"enum":["positive","neutral","negative"]},
			  "keywords":{"type":"array","items":{"type":"string"},"maxItems":5}},
			 "required":["title","summary","sentiment","keywords"],"additionalProperties":false}""";

	/** The record the ticket maps onto. */
	public record Ticket(String title, String summary, String sentiment, List<String> keywords) {

	}

	private static final ResultMapping<Ticket> MAPPING = ResultMapping.to(Ticket.class);

	private final ChatRequest request = ChatRequest.ofUser("Charged twice for the March invoice.")
		.withSystem("Extract the support ticket as JSON.")
		.withResponseFormat(ResponseFormat.JSON);

	private FallbackChain unchecked;

	private FallbackChain checked;

	@Setup(Level.Trial)
	public void setUp() {
		this.unchecked = chain(OutputContract.NONE);
		this.checked = chain(new OutputContract(OutputContract.parseSchema(SCHEMA), null, null, false,
				OutputContract.OnViolation.NEXT_PROVIDER));
	}

	@Benchmark
	public ChainResponse unchecked() {
		return this.unchecked.chat(this.request).block();
	}

	@Benchmark
	public ChainResponse schemaContract() {
		return this.checked.chat(this.request).block();
	}

	@Benchmark
	public ChainResponse typedResult() {
		return this.unchecked.chat(this.request, "extract", MAPPING).block();
	}

	private static FallbackChain chain(OutputContract contract) {
		List<LlmProvider> providers = List.of(new InstantProvider("primary", TICKET),
				new InstantProvider("secondary", TICKET));
		ProviderCircuitBreakers breakers = new ProviderCircuitBreakers(
				Map.of("primary", BreakerSettings.DEFAULTS, "secondary", BreakerSettings.DEFAULTS), Clock.systemUTC(),
				(transition) -> {
				});
		ChainSettings settings = new ChainSettings("extract", List.of("primary", "secondary"), Duration.ofSeconds(30),
				256, ChainSettings.DEFAULT_FALLBACK_ON, contract);
		Pricing price = new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"));
		return new DefaultFallbackChain(settings, providers, breakers, Map.of("primary", price, "secondary", price),
				new ChainStatistics());
	}

}
