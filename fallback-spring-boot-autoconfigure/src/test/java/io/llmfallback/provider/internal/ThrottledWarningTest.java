package io.llmfallback.provider.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

class ThrottledWarningTest {

	private final AtomicLong nanos = new AtomicLong(1_000);

	private final Log logger = mock(Log.class);

	private final ThrottledWarning warning = new ThrottledWarning(this.logger, Duration.ofMinutes(1), this.nanos::get);

	@Test
	void logsOncePerIntervalAndCountsWhatItLeftOut() {
		this.warning.warn(() -> "first");
		this.nanos.addAndGet(Duration.ofSeconds(30).toNanos());
		this.warning.warn(() -> "second");
		this.warning.warn(() -> "third");
		this.nanos.addAndGet(Duration.ofSeconds(30).toNanos());
		this.warning.warn(() -> "fourth");
		this.warning.warn(() -> "fifth");

		verify(this.logger).warn("first");
		verify(this.logger).warn("fourth (and 2 more like it since the last such warning, not logged)");
		verifyNoMoreInteractions(this.logger);
	}

}
