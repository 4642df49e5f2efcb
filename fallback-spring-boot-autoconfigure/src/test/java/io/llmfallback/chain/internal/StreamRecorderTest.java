package io.llmfallback.chain.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.llmfallback.chain.StreamStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRecorderTest {

	@Test
	void statsAreTheChunksRecordedSoFarAndDoNotChangeAfterwards() {
		StreamRecorder recorder = new StreamRecorder(1_000);
		recorder.chunkAt(1_500);
		recorder.chunkAt(1_700);
		StreamStats early = recorder.stats();
		recorder.chunkAt(2_000);
		recorder.usageEstimated();
		recorder.continuation();
		StreamStats late = recorder.stats();

		assertThat(early.timeToFirstChunk()).isEqualTo(Duration.ofNanos(500));
		assertThat(early.chunks()).isEqualTo(2);
		assertThat(gaps(early)).containsExactly(Duration.ofNanos(200));
		assertThat(early.isUsageEstimated()).isFalse();
		assertThat(early.isContinuation()).isFalse();
		assertThat(late.chunks()).isEqualTo(3);
		assertThat(gaps(late)).containsExactly(Duration.ofNanos(200), Duration.ofNanos(300));
		assertThat(late.isUsageEstimated()).isTrue();
		assertThat(late.isContinuation()).isTrue();
	}

	@Test
	void aStreamWithoutChunksHasNoTimeToFirstChunk() {
		StreamStats stats = new StreamRecorder(1_000).stats();
		assertThat(stats.timeToFirstChunk()).isNull();
		assertThat(stats.chunks()).isZero();
	}

	@Test
	void gapsGrowPastTheInitialCapacity() {
		StreamRecorder recorder = new StreamRecorder(0);
		for (int i = 1; i <= 40; i++) {
			recorder.chunkAt(i * 10L);
		}
		assertThat(recorder.stats().chunks()).isEqualTo(40);
		assertThat(gaps(recorder.stats())).hasSize(39).containsOnly(Duration.ofNanos(10));
	}

	private static List<Duration> gaps(StreamStats stats) {
		List<Duration> gaps = new ArrayList<>();
		stats.forEachChunkGap(gaps::add);
		return gaps;
	}

}
