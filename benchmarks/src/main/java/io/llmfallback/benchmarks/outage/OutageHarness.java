package io.llmfallback.benchmarks.outage;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.llmfallback.model.ChatRequest;
import reactor.netty.resources.LoopResources;

/**
 * Latency under an outage of the primary, for four ways of falling back, side by side in
 * one run (see docs/performance.md, "Latency under an outage"). Each variant gets its own
 * pair of simulated providers on loopback HTTP, all on the same phase schedule (healthy,
 * the primary hangs, answers 503, answers 429 with {@code retry-after}, recovery), and
 * the same open-loop load: requests are sent at a fixed rate by one thread pacing on
 * {@link System#nanoTime()}, which never waits for an answer, and each request's latency
 * runs from when it was due. The report goes to standard output, to
 * {@code benchmarks/results/} as JSON and Markdown, and the latency plot to
 * {@code docs/images/outage-latency.svg}.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.llmfallback.benchmarks.outage.OutageHarness [options]};
 * {@code --help} lists the options.
 */
public final class OutageHarness {

	/**
	 * What every variant is asked, every time: a short prompt with a system message and
	 * an output cap.
	 */
	static final ChatRequest REQUEST = ChatRequest
		.ofUser("Summarize the incident report in three sentences: the primary region stopped answering at 02:14.")
		.withSystem("You are a concise assistant for an on-call engineer.")
		.withMaxTokens(256);

	/**
	 * Between the last warm-up request and the first measured one: the warm-up's answers
	 * drain.
	 */
	private static final Duration SETTLE = Duration.ofMillis(500);

	private OutageHarness() {
	}

	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help")) {
			System.out.println(HarnessOptions.USAGE);
			return;
		}
		HarnessOptions options;
		try {
			options = HarnessOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		OutageReport report = run(options);
		System.out.println(report.markdown());
		List<java.nio.file.Path> written = report.write();
		written.forEach((path) -> System.out.println("Written: " + path));
		// Netty's and Reactor's threads would keep the JVM up.
		System.exit(0);
	}

	/**
	 * Runs the schedule against every variant and reports; the report is not written yet.
	 */
	static OutageReport run(HarnessOptions options) throws InterruptedException, IOException {
		PhaseSchedule schedule = new PhaseSchedule(options.phases());
		int requests = (int) (schedule.total().toNanos() * options.rate() / 1_000_000_000L);
		long period = 1_000_000_000L / options.rate();
		LoopResources loops = LoopResources.create("outage-simulator", 2, true);
		List<VariantRun> runs = new ArrayList<>();
		try {
			for (VariantSettings variant : VariantSettings.values()) {
				SimulatedProvider primary = new SimulatedProvider(ProviderRole.PRIMARY, schedule, options.retryAfter(),
						loops);
				SimulatedProvider fallback = new SimulatedProvider(ProviderRole.FALLBACK, schedule,
						options.retryAfter(), loops);
				VariantClient client;
				try {
					client = variant.client(primary.baseUrl(), fallback.baseUrl(), options);
				}
				catch (RuntimeException ex) {
					primary.close();
					fallback.close();
					throw ex;
				}
				runs.add(new VariantRun(variant, primary, fallback, client, requests));
			}
			warmUp(runs, options, period);
			Instant startedAt = Instant.now();
			long origin = System.nanoTime() + SETTLE.toNanos();
			runs.forEach((run) -> run.start(origin));
			Samples senderLateness = openLoop(origin, period, requests, (index, due) -> {
				// Each variant in turn goes first, so that none is always sent last in a
				// tick.
				for (int k = 0; k < runs.size(); k++) {
					runs.get((index + k) % runs.size()).send(index, due, REQUEST);
				}
			});
			long deadline = origin + (requests - 1) * period + options.lostAfter().toNanos();
			for (VariantRun run : runs) {
				run.awaitEnds(Math.max(0, deadline - System.nanoTime()));
			}
			return new OutageReport(options, schedule, runs, startedAt, senderLateness);
		}
		finally {
			runs.forEach(VariantRun::close);
			loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
		}
	}

	/**
	 * Healthy traffic at the run's rate before the measured run, not recorded: the JIT
	 * compiles the hot paths and the starter's latency windows fill, as in an application
	 * that was serving before the outage.
	 */
	private static void warmUp(List<VariantRun> runs, HarnessOptions options, long period) throws InterruptedException {
		int requests = (int) (options.warmUp().toNanos() / period);
		CountDownLatch ended = new CountDownLatch(requests * runs.size());
		openLoop(System.nanoTime(), period, requests, (index, due) -> runs
			.forEach((run) -> run.warmUp(REQUEST).doFinally((signal) -> ended.countDown()).subscribe()));
		ended.await(options.lostAfter().toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Calls {@code tick} with each due time, {@code origin + i * period} for i from 0 to
	 * count - 1, on this thread and never earlier than due; a tick that is late does not
	 * delay the next ones' due times.
	 * @return how late each tick ended, after its due time, in nanoseconds
	 */
	static Samples openLoop(long origin, long period, int count, Tick tick) {
		Samples lateness = new Samples();
		for (int i = 0; i < count; i++) {
			long due = origin + i * period;
			for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
				LockSupport.parkNanos(wait);
			}
			tick.at(i, due);
			lateness.add(System.nanoTime() - due);
		}
		return lateness;
	}

	/** What the open loop does at each due time. */
	@FunctionalInterface
	interface Tick {

		void at(int index, long dueNanos);

	}

}
