package io.llmfallback.benchmarks.outage;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.llmfallback.model.ChatRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One variant in a run: its two simulators, its client, and the end of every request sent
 * to it, by index.
 */
final class VariantRun implements AutoCloseable {

	private final VariantSettings settings;

	private final SimulatedProvider primary;

	private final SimulatedProvider fallback;

	private final VariantClient client;

	private final AtomicReferenceArray<Ended> ends;

	private final CountDownLatch pending;

	private volatile long origin;

	VariantRun(VariantSettings settings, SimulatedProvider primary, SimulatedProvider fallback, VariantClient client,
			int requests) {
		this.settings = settings;
		this.primary = primary;
		this.fallback = fallback;
		this.client = client;
		this.ends = new AtomicReferenceArray<>(requests);
		this.pending = new CountDownLatch(requests);
	}

	VariantSettings settings() {
		return this.settings;
	}

	SimulatedProvider primary() {
		return this.primary;
	}

	SimulatedProvider fallback() {
		return this.fallback;
	}

	/**
	 * From now on the simulators follow the schedule; {@code originNanos} is in
	 * {@link System#nanoTime()}.
	 */
	void start(long originNanos) {
		this.origin = originNanos;
		this.primary.start(originNanos);
		this.fallback.start(originNanos);
	}

	/**
	 * Sends request {@code index}, due at {@code dueNanos}, without waiting for its
	 * answer.
	 */
	void send(int index, long dueNanos, ChatRequest request) {
		try {
			this.client.send(request)
				.switchIfEmpty(Mono.error(() -> new IllegalStateException("completed without an answer")))
				.subscribe((answer) -> end(index, dueNanos, answer, null),
						(error) -> end(index, dueNanos, null, error.toString()));
		}
		catch (RuntimeException ex) {
			end(index, dueNanos, null, ex.toString());
		}
	}

	/** Sends a request that is not recorded; completes when it ends, however it ends. */
	Mono<Void> warmUp(ChatRequest request) {
		return this.client.send(request).onErrorComplete().then();
	}

	private void end(int index, long dueNanos, @Nullable Answer answer, @Nullable String error) {
		long now = System.nanoTime();
		if (this.ends.compareAndSet(index, null, new Ended(dueNanos - this.origin, now - dueNanos, answer, error))) {
			this.pending.countDown();
		}
	}

	/** Waits until every request has ended, or the time is up; whether they all ended. */
	boolean awaitEnds(long nanos) throws InterruptedException {
		return this.pending.await(nanos, TimeUnit.NANOSECONDS);
	}

	int requests() {
		return this.ends.length();
	}

	/** How request {@code index} ended, or {@code null} while it has not. */
	@Nullable Ended ended(int index) {
		return this.ends.get(index);
	}

	@Override
	public void close() {
		this.client.close();
		this.primary.close();
		this.fallback.close();
	}

	/**
	 * The end of one request.
	 *
	 * @param arrivalNanos when it was due, from the run's origin
	 * @param latencyNanos from when it was due to its end: time the sender was late
	 * counts
	 * @param answer how it ended, {@code null} when the client signalled an error of its
	 * own
	 * @param error that error, {@code null} with an answer
	 */
	record Ended(long arrivalNanos, long latencyNanos, @Nullable Answer answer, @Nullable String error) {

	}

}
