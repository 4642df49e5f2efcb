package io.llmfallback.provider.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads within a per-answer cap and a shared budget, interleaved step by step through
 * sinks: no timing, and Netty buffers whose reference counts prove every chunk is
 * released exactly once.
 */
class ResponseBudgetTest {

	private final NettyDataBufferFactory buffers = new NettyDataBufferFactory(Unpooled.buffer().alloc());

	private final List<ByteBuf> sent = new ArrayList<>();

	@Test
	void readsTheWholeBodyAndGivesItsReservationBack() {
		ResponseBudget budget = new ResponseBudget(100);
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();

		StepVerifier.create(budget.read(body.asFlux(), 50, -1))
			.then(() -> body.tryEmitNext(chunk("{\"a\":")))
			.then(() -> assertThat(budget.reserved()).isEqualTo(5))
			.then(() -> body.tryEmitNext(chunk("1}")))
			.then(body::tryEmitComplete)
			.expectNext("{\"a\":1}")
			.verifyComplete();

		assertThat(budget.reserved()).isZero();
		assertThat(this.sent).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void answerPastItsCapFailsAtTheFirstChunkOverItAndStopsReading() {
		ResponseBudget budget = new ResponseBudget(100);
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();

		StepVerifier.create(budget.read(body.asFlux(), 8, -1))
			.then(() -> body.tryEmitNext(chunk("12345")))
			.then(() -> body.tryEmitNext(chunk("6789")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ResponseTooLargeException.class)
				.hasMessage("response larger than the 8 bytes cap on one answer"))
			.verify();

		assertThat(body.currentSubscriberCount()).as("reading stopped").isZero();
		assertThat(budget.reserved()).isZero();
		assertThat(this.sent).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void bodyDeclaredLargerThanTheCapFailsWithoutWaitingForItsFirstChunk() {
		ResponseBudget budget = new ResponseBudget(100);

		assertFailsAtOnceAndCancelsTheBody(budget, 8, 4096, "response larger than the 8 bytes cap on one answer");

		assertThat(budget.reserved()).isZero();
	}

	@Test
	void declaredBodyIsReservedWholeBeforeItsFirstChunk() {
		ResponseBudget budget = new ResponseBudget(100);
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();

		StepVerifier.create(budget.read(body.asFlux(), 50, 8))
			.then(() -> assertThat(budget.reserved()).isEqualTo(8))
			.then(() -> body.tryEmitNext(chunk("1234")))
			.then(() -> body.tryEmitNext(chunk("5678")))
			.then(() -> assertThat(budget.reserved()).isEqualTo(8))
			.then(body::tryEmitComplete)
			.expectNext("12345678")
			.verifyComplete();

		assertThat(budget.reserved()).isZero();
		assertThat(this.sent).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void declaredBodyThatDoesNotFitTheBudgetFailsWithoutWaitingForItsFirstChunk() {
		ResponseBudget budget = new ResponseBudget(100);
		assertThat(budget.tryReserve(95)).isTrue();

		assertFailsAtOnceAndCancelsTheBody(budget, 50, 8,
				"the 100 bytes budget of responses being read at once is used up");

		assertThat(budget.reserved()).isEqualTo(95);
	}

	/**
	 * A read of a body that never sends a byte: it fails without waiting for one, and
	 * cancels the body.
	 */
	private static void assertFailsAtOnceAndCancelsTheBody(ResponseBudget budget, long maxBytes, long declaredLength,
			String message) {
		AtomicBoolean cancelled = new AtomicBoolean();

		StepVerifier
			.create(budget.read(Flux.<DataBuffer>never().doOnCancel(() -> cancelled.set(true)), maxBytes,
					declaredLength))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(ResponseTooLargeException.class).hasMessage(message))
			.verify(Duration.ofSeconds(5));

		assertThat(cancelled).as("body cancelled").isTrue();
	}

	@Test
	void concurrentReadsShareTheBudgetAndOneThatDoesNotFitFailsWhileTheOtherCompletes() {
		ResponseBudget budget = new ResponseBudget(10);
		Sinks.Many<DataBuffer> first = Sinks.many().unicast().onBackpressureBuffer();
		Sinks.Many<DataBuffer> second = Sinks.many().unicast().onBackpressureBuffer();
		AtomicReference<String> firstText = new AtomicReference<>();
		AtomicReference<Throwable> secondError = new AtomicReference<>();
		budget.read(first.asFlux(), 8, -1).subscribe(firstText::set);
		budget.read(second.asFlux(), 8, -1).subscribe((text) -> {
		}, secondError::set);

		first.tryEmitNext(chunk("123456"));
		assertThat(budget.reserved()).isEqualTo(6);
		second.tryEmitNext(chunk("abcdef"));

		assertThat(secondError.get()).isInstanceOf(ResponseTooLargeException.class)
			.hasMessage("the 10 bytes budget of responses being read at once is used up");
		assertThat(budget.reserved()).isEqualTo(6);
		first.tryEmitNext(chunk("78"));
		first.tryEmitComplete();
		assertThat(firstText.get()).isEqualTo("12345678");
		assertThat(budget.reserved()).isZero();
		assertThat(this.sent).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void readCancelledMidBodyGivesItsWholeReservationBack() {
		ResponseBudget budget = new ResponseBudget(100);
		Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();

		StepVerifier.create(budget.read(body.asFlux(), 50, -1))
			.then(() -> body.tryEmitNext(chunk("12345")))
			.then(() -> assertThat(budget.reserved()).isEqualTo(5))
			.thenCancel()
			.verify();

		assertThat(budget.reserved()).isZero();
		assertThat(body.currentSubscriberCount()).as("reading stopped").isZero();
	}

	/**
	 * A chunk the connection hands over after the read was cancelled, as the event loop
	 * does when the cancel comes from another thread in the middle of a chunk: it is
	 * released, and reserves nothing.
	 */
	@Test
	void chunkArrivingAfterTheReadIsClosedReservesNothing() {
		ResponseBudget budget = new ResponseBudget(100);
		TestPublisher<DataBuffer> body = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);

		StepVerifier.create(budget.read(body.flux(), 50, -1))
			.then(() -> body.next(chunk("12345")))
			.thenCancel()
			.verify();
		body.next(chunk("6789"));

		assertThat(budget.reserved()).isZero();
		assertThat(this.sent).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	private DataBuffer chunk(String text) {
		ByteBuf buffer = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		this.sent.add(buffer);
		return this.buffers.wrap(buffer);
	}

}
