package io.llmfallback.benchmarks.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.llmfallback.benchmarks.outage.Answer.Attempt;
import io.llmfallback.benchmarks.outage.Answer.Outcome;
import io.llmfallback.benchmarks.outage.OutageReport.Row;
import io.llmfallback.benchmarks.outage.VariantRun.Ended;
import io.llmfallback.model.ChatRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run records of each request, and what the report counts as lost. */
class VariantRunTests {

	private static final ChatRequest REQUEST = ChatRequest.ofUser("hello").withMaxTokens(16);

	private final HarnessOptions options = HarnessOptions.parse("--phases=100ms,100ms,100ms,100ms,100ms", "--rate=20",
			"--timeout=1s");

	private final PhaseSchedule schedule = new PhaseSchedule(this.options.phases());

	private final LoopResources loops = LoopResources.create("variant-run-tests", 1, true);

	private VariantRun run;

	@AfterEach
	void close() {
		this.run.close();
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
	}

	@Test
	void latencyRunsFromWhenTheRequestWasDue() throws InterruptedException {
		Answer served = new Answer(Outcome.PRIMARY,
				List.of(new Attempt(ProviderRole.PRIMARY, true, "success", 1_000_000, 0.0002)));
		this.run = run((request) -> Mono.delay(Duration.ofMillis(30)).thenReturn(served), 1);
		long origin = System.nanoTime();
		this.run.start(origin);

		// Sent 20 ms after it was due: those 20 ms count.
		this.run.send(0, origin - TimeUnit.MILLISECONDS.toNanos(20), REQUEST);

		assertThat(this.run.awaitEnds(TimeUnit.SECONDS.toNanos(5))).isTrue();
		Ended ended = this.run.ended(0);
		assertThat(ended.answer()).isSameAs(served);
		assertThat(ended.error()).isNull();
		assertThat(ended.arrivalNanos()).isEqualTo(-TimeUnit.MILLISECONDS.toNanos(20));
		assertThat(ended.latencyNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

	@Test
	void anErrorOfTheClientIsRecordedAsSuch() throws InterruptedException {
		this.run = run((request) -> Mono.error(new IllegalStateException("boom")), 1);
		long origin = System.nanoTime();
		this.run.start(origin);

		this.run.send(0, origin, REQUEST);

		assertThat(this.run.awaitEnds(TimeUnit.SECONDS.toNanos(5))).isTrue();
		assertThat(this.run.ended(0).answer()).isNull();
		assertThat(this.run.ended(0).error()).isEqualTo("java.lang.IllegalStateException: boom");
	}

	@Test
	void requestsThatNeverEndAreLostInThePhaseTheyArrivedIn() throws InterruptedException {
		// Two requests a phase (20 a second, phases of 100 ms); the second of each never
		// ends.
		int requests = 10;
		AtomicInteger sent = new AtomicInteger();
		Answer served = new Answer(Outcome.FALLBACK,
				List.of(new Attempt(ProviderRole.FALLBACK, true, "success", 1_000_000, 0.004)));
		this.run = run((request) -> (sent.getAndIncrement() % 2 == 0) ? Mono.just(served) : Mono.never(), requests);
		long origin = System.nanoTime();
		this.run.start(origin);
		for (int i = 0; i < requests; i++) {
			this.run.send(i, origin + i * TimeUnit.MILLISECONDS.toNanos(50), REQUEST);
		}

		assertThat(this.run.awaitEnds(TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
		List<Row> rows = new OutageReport(this.options, this.schedule, List.of(this.run), Instant.now(), new Samples())
			.rows();

		assertThat(rows).hasSize(5).allSatisfy((row) -> {
			assertThat(row.requests()).isEqualTo(2);
			assertThat(row.lost()).isEqualTo(1);
			assertThat(row.servedByFallback()).isEqualTo(1);
			assertThat(row.callsPerRequest()).isEqualTo(1.0);
			assertThat(row.costPerRequestUsd()).isEqualTo(0.004);
		});
	}

	private VariantRun run(Function<ChatRequest, Mono<Answer>> answers, int requests) {
		VariantClient client = new VariantClient() {

			@Override
			public Mono<Answer> send(ChatRequest request) {
				return answers.apply(request);
			}

			@Override
			public void close() {
			}

		};
		return new VariantRun(VariantSettings.NAIVE,
				new SimulatedProvider(ProviderRole.PRIMARY, this.schedule, Duration.ofSeconds(2), this.loops),
				new SimulatedProvider(ProviderRole.FALLBACK, this.schedule, Duration.ofSeconds(2), this.loops), client,
				requests);
	}

}
