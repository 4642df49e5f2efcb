package io.llmfallback.provider.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The bytes of provider answers being read at one time, shared by every provider: a read
 * reserves the length its answer declares and each chunk it keeps beyond that, and gives
 * its reservation back when it is done, so that many large answers at once cannot exhaust
 * memory. Reads are bounded twice, by the answer's own cap and by what is left of the
 * budget, and stop reading (which closes the connection) at the first chunk over either,
 * or before the first when the declared length is over either.
 */
public final class ResponseBudget {

	private final long capacity;

	private final AtomicLong reserved = new AtomicLong();

	/**
	 * @param capacity the bytes all reads together may hold
	 */
	public ResponseBudget(long capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be positive, was " + capacity);
		}
		this.capacity = capacity;
	}

	public long capacity() {
		return this.capacity;
	}

	/** The bytes reads in progress hold now. */
	public long reserved() {
		return this.reserved.get();
	}

	/** Reserves that many bytes if they fit in what is left. */
	boolean tryReserve(long bytes) {
		long current;
		do {
			current = this.reserved.get();
			if (current + bytes > this.capacity) {
				return false;
			}
		}
		while (!this.reserved.compareAndSet(current, current + bytes));
		return true;
	}

	void release(long bytes) {
		this.reserved.addAndGet(-bytes);
	}

	/**
	 * Reads a body as UTF-8 text, failing with {@link ResponseTooLargeException} as soon
	 * as it passes {@code maxBytes} or the budget. Every chunk is copied and released at
	 * once, exactly once, whatever happens next: the body's direct memory goes back to
	 * Netty's pool chunk by chunk instead of being held until the whole answer is in.
	 * @param declaredLength the body's {@code Content-Length}, or -1. A declared body is
	 * reserved whole before its first byte, as its array is allocated whole; one declared
	 * larger than {@code maxBytes} or than what is left of the budget fails at once,
	 * without waiting for a byte of it: a server may declare it and stall
	 */
	Mono<String> read(Flux<DataBuffer> body, long maxBytes, long declaredLength) {
		if (declaredLength > maxBytes) {
			return unread(body, new ResponseTooLargeException(ResponseTooLargeException.Limit.RESPONSE, maxBytes));
		}
		return Mono.using(() -> new Read(maxBytes, declaredLength),
				(read) -> (read.exceeded != null) ? unread(body, read.failure()) : body.map((chunk) -> {
					try {
						return read.append(chunk);
					}
					finally {
						DataBufferUtils.release(chunk);
					}
				}).takeUntil((fits) -> !fits).then(Mono.fromCallable(read::text)), Read::close);
	}

	/**
	 * Fails without reading the body, which is cancelled rather than left unread:
	 * WebClient would drain an unread body, waiting on a stalled server, where a
	 * cancelled one makes Reactor Netty close the connection.
	 */
	private static Mono<String> unread(Flux<DataBuffer> body, ResponseTooLargeException failure) {
		return Mono.error(() -> {
			body.subscribe(new BaseSubscriber<>() {
				@Override
				protected void hookOnSubscribe(Subscription subscription) {
					subscription.cancel();
				}
			});
			return failure;
		});
	}

	/**
	 * One body being read, and its reservation: the larger of its declared length and the
	 * bytes read. {@link #append} runs on the connection's event loop while
	 * {@link #close} runs on whichever thread ends the read (an attempt timeout, a caller
	 * gone), so the two exclude each other: a close in the middle of an append, or before
	 * a late one, would otherwise give back less than was reserved, and the budget would
	 * shrink for good.
	 */
	private final class Read {

		private final long maxBytes;

		/** The cap, or what one array can hold if that is less. */
		private final int limit;

		/**
		 * The bytes read so far, copied straight out of each chunk: no buffer in between.
		 */
		private byte[] bytes;

		private int size;

		private long reservedBytes;

		private ResponseTooLargeException.@Nullable Limit exceeded;

		private boolean closed;

		/**
		 * Sized for the declared body (at most the cap) at once, so that it is not copied
		 * as it grows.
		 */
		Read(long maxBytes, long declaredLength) {
			this.maxBytes = maxBytes;
			this.limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
			if (declaredLength > 0 && !tryReserve(declaredLength)) {
				this.exceeded = ResponseTooLargeException.Limit.BUDGET;
				this.bytes = new byte[0];
				return;
			}
			this.reservedBytes = Math.max(declaredLength, 0);
			try {
				this.bytes = new byte[(int) Math.min((declaredLength > 0) ? declaredLength : 8192, this.limit)];
			}
			catch (Throwable ex) {
				// No close() follows a Read that failed to be made.
				release(this.reservedBytes);
				throw ex;
			}
		}

		/**
		 * Keeps the chunk and says so, or says it does not fit, or that the read is
		 * closed. Never throws: the chunk must be released.
		 */
		synchronized boolean append(DataBuffer chunk) {
			if (this.closed) {
				return false;
			}
			int length = chunk.readableByteCount();
			long size = this.size + (long) length;
			if (this.exceeded == null && size > this.limit) {
				this.exceeded = ResponseTooLargeException.Limit.RESPONSE;
			}
			if (this.exceeded == null && size > this.reservedBytes && !tryReserve(size - this.reservedBytes)) {
				this.exceeded = ResponseTooLargeException.Limit.BUDGET;
			}
			if (this.exceeded != null) {
				return false;
			}
			this.reservedBytes = Math.max(this.reservedBytes, size);
			if (size > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes,
						(int) Math.min(Math.max(2L * this.bytes.length, size), this.limit));
			}
			chunk.read(this.bytes, this.size, length);
			this.size = (int) size;
			return true;
		}

		ResponseTooLargeException failure() {
			return new ResponseTooLargeException(Objects.requireNonNull(this.exceeded),
					(this.exceeded == ResponseTooLargeException.Limit.RESPONSE) ? this.maxBytes : capacity());
		}

		String text() {
			if (this.exceeded != null) {
				throw failure();
			}
			return new String(this.bytes, 0, this.size, StandardCharsets.UTF_8);
		}

		synchronized void close() {
			this.closed = true;
			release(this.reservedBytes);
			this.reservedBytes = 0;
		}

	}

}
