package io.llmfallback.provider;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The bytes of provider answers being read at one time, shared by every provider: a read reserves each chunk
 * it keeps and gives its reservation back when it is done, so that many large answers at once cannot exhaust
 * memory. Reads are bounded twice, by the answer's own cap and by what is left of the budget, and stop
 * reading (which closes the connection) at the first chunk over either.
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
	 * Reads a body as UTF-8 text, failing with {@link ResponseTooLargeException} as soon as it passes
	 * {@code maxBytes} or the budget. Every chunk is copied and released at once, exactly once, whatever
	 * happens next: the body's direct memory goes back to Netty's pool chunk by chunk instead of being held
	 * until the whole answer is in.
	 * @param declaredLength the body's {@code Content-Length}, or -1: a body declared larger than
	 * {@code maxBytes} fails at once, without waiting for a byte of it: a server may declare it and stall
	 */
	Mono<String> read(Flux<DataBuffer> body, long maxBytes, long declaredLength) {
		if (declaredLength > maxBytes) {
			// Cancelled, not left unread: WebClient would drain an unread body, waiting on the stalled server,
			// where a cancelled one makes Reactor Netty close the connection.
			return Mono.error(() -> {
				body.subscribe(new BaseSubscriber<>() {
					@Override
					protected void hookOnSubscribe(Subscription subscription) {
						subscription.cancel();
					}
				});
				return new ResponseTooLargeException(ResponseTooLargeException.Limit.RESPONSE, maxBytes);
			});
		}
		return Mono.using(() -> new Read(maxBytes, declaredLength),
				(read) -> body.map((chunk) -> {
					try {
						return read.append(chunk);
					}
					finally {
						DataBufferUtils.release(chunk);
					}
				}).takeUntil((fits) -> !fits).then(Mono.fromCallable(read::text)), Read::close);
	}

	/** One body being read, and its reservation. */
	private final class Read {

		private final long maxBytes;

		/** The cap, or what one array can hold if that is less. */
		private final int limit;

		/** The bytes read so far, copied straight out of each chunk: no buffer in between. */
		private byte[] bytes;

		private int size;

		private long reservedBytes;

		private ResponseTooLargeException.@Nullable Limit exceeded;

		/** Sized for the declared body (at most the cap) at once, so that it is not copied as it grows. */
		Read(long maxBytes, long declaredLength) {
			this.maxBytes = maxBytes;
			this.limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
			this.bytes = new byte[(int) Math.min((declaredLength > 0) ? declaredLength : 8192, this.limit)];
		}

		/** Keeps the chunk and says so, or says it does not fit. Never throws: the chunk must be released. */
		boolean append(DataBuffer chunk) {
			int length = chunk.readableByteCount();
			if (this.exceeded == null && this.size + (long) length > this.limit) {
				this.exceeded = ResponseTooLargeException.Limit.RESPONSE;
			}
			if (this.exceeded == null && !tryReserve(length)) {
				this.exceeded = ResponseTooLargeException.Limit.BUDGET;
			}
			if (this.exceeded != null) {
				return false;
			}
			this.reservedBytes += length;
			if (this.size + length > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes,
						(int) Math.min(Math.max(2L * this.bytes.length, this.size + length), this.limit));
			}
			chunk.read(this.bytes, this.size, length);
			this.size += length;
			return true;
		}

		String text() {
			if (this.exceeded != null) {
				throw new ResponseTooLargeException(this.exceeded,
						(this.exceeded == ResponseTooLargeException.Limit.RESPONSE) ? this.maxBytes : capacity());
			}
			return new String(this.bytes, 0, this.size, StandardCharsets.UTF_8);
		}

		void close() {
			release(this.reservedBytes);
		}

	}

}
